#!/usr/bin/env node
// Thin launcher so npm can link the bin before `tsc -b` has produced dist/.
// It is also where the two packages meet: the client commands (`runs`, `artifacts`, `models`, …)
// belong to the SDK and are delegated to its CLI entry; everything else is the server's.
// packages/server/src itself imports only the contract.
const sdk = await import('darwin-mlflow-sdk/cli').catch(() => undefined);
const run =
  sdk !== undefined && sdk.isClientCommand(process.argv.slice(2))
    ? () => sdk.runCli(process.argv.slice(2), process.env)
    : async () => (await import('../dist/cli.js')).main(process.argv.slice(2), process.env);

run().then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
