#!/usr/bin/env node
// Thin launcher so npm can link the bin before `tsc -b` has produced dist/.
import { main } from '../dist/cli.js';

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
