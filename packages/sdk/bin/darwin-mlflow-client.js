#!/usr/bin/env node
// The SDK's commands on their own, for installs without the server.
import { runCli } from '../dist/cli/index.js';

runCli(process.argv.slice(2), process.env, undefined, 'darwin-mlflow-client').then((code) => {
  process.exitCode = code;
});
