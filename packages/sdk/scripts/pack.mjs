// `npm run pack -w darwin-mlflow-sdk [-- <dest-dir>]`: a publishable tarball with the contract
// package bundled inside it. npm does not bundle a workspace sibling (it is a symlink), so the
// package is staged outside the workspace with a real copy of the contract's build, then packed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const contract = path.resolve(sdk, '../contract');
const dest = path.resolve(process.argv[2] ?? sdk);
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-sdk-pack-'));
const copy = (from, to) => fs.cpSync(from, to, { recursive: true, filter: (p) => !p.endsWith('.tsbuildinfo') });
try {
  for (const entry of ['package.json', 'README.md', 'dist', 'bin']) copy(path.join(sdk, entry), path.join(stage, entry));
  const vendored = path.join(stage, 'node_modules', '@darwin-mlflow', 'contract');
  for (const entry of ['package.json', 'dist']) copy(path.join(contract, entry), path.join(vendored, entry));
  const out = execFileSync('npm', ['pack', '--pack-destination', dest], { cwd: stage, encoding: 'utf8' });
  console.log(path.join(dest, out.trim().split('\n').at(-1)));
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
