/** `models`: the registry's everyday tasks. */
import path from 'node:path';
import type { Command } from 'commander';
import { MODEL_VERSION_STAGES } from '@darwin-mlflow/contract';
import type { ModelVersion, RegisteredModel } from '../../types.js';
import { positiveInt } from '../context.js';
import type { Context } from '../context.js';
import { time, UsageError } from '../output.js';
import type { Column } from '../output.js';
import { progressBar } from '../progress.js';

const MODEL_COLUMNS: Column<RegisteredModel>[] = [
  ['NAME', (m) => m.name],
  ['LATEST', (m) => (m.latest_versions ?? []).map((v) => `v${v.version}${v.current_stage && v.current_stage !== 'None' ? ` (${v.current_stage})` : ''}`).join(', ')],
  ['ALIASES', (m) => (m.aliases ?? []).map((a) => `${a.alias}=v${a.version}`).join(', ')],
  ['UPDATED', (m) => time(m.last_updated_timestamp)],
  ['DESCRIPTION', (m) => m.description],
];

const VERSION_COLUMNS: Column<ModelVersion>[] = [
  ['NAME', (v) => v.name],
  ['VERSION', (v) => v.version],
  ['STAGE', (v) => v.current_stage],
  ['ALIASES', (v) => (v.aliases ?? []).join(', ')],
  ['STATUS', (v) => v.status],
  ['RUN ID', (v) => v.run_id],
  ['SOURCE', (v) => v.source],
];

export function modelsCommand(program: Command, ctx: Context): void {
  const cmd = program.command('models').description('Registered models: list, search, get, download, transition stage, set alias');
  cmd
    .command('list')
    .description('List registered models')
    .option('--filter <expr>', `e.g. "name LIKE 'Iris%'"`)
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 100)
    .action(async (o: { filter?: string; limit: number }, c: Command) => {
      const rows = await ctx.client(c).registeredModels.search({ filter: o.filter, maxResults: Math.min(o.limit, 1000) }).toArray(o.limit);
      ctx.printer(c).table(rows, MODEL_COLUMNS);
    });
  cmd
    .command('search <filter>')
    .description(`Search model versions, e.g. "name = 'IrisRF'" or "run_id = '<id>'"`)
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 100)
    .action(async (filter: string, o: { limit: number }, c: Command) => {
      const rows = await ctx.client(c).modelVersions.search({ filter, maxResults: Math.min(o.limit, 1000) }).toArray(o.limit);
      ctx.printer(c).table(rows, VERSION_COLUMNS);
    });
  cmd
    .command('get <name-or-uri>')
    .description('Show a model and its versions, or one version by models:/ URI')
    .action(async (nameOrUri: string, _o: unknown, c: Command) => {
      const client = ctx.client(c);
      if (nameOrUri.startsWith('models:')) {
        ctx.printer(c).record(await client.getModelVersionByUri(nameOrUri), VERSION_COLUMNS);
        return;
      }
      const model = await client.registeredModels.get(nameOrUri);
      const versions = await client.modelVersions.search({ filter: `name = '${nameOrUri.replaceAll("'", "\\'")}'` }).toArray();
      const printer = ctx.printer(c);
      if (printer.json) return printer.record({ ...model, versions });
      printer.record(model, MODEL_COLUMNS);
      ctx.io.out('');
      printer.table(versions, VERSION_COLUMNS);
    });
  cmd
    .command('download <uri>')
    .description('Download a model version directory by URI (models:/<name>/<version|stage|latest>, models:/<name>@<alias>)')
    .option('-d, --dest <dir>', 'local directory to write into', '.')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', '\nExamples:\n  darwin-mlflow models download models:/HousePricingRF@champion --dest ./serving\n  darwin-mlflow models download models:/HousePricingRF/Production')
    .action(async (uri: string, o: { dest: string; progress: boolean }, c: Command) => {
      if (!uri.startsWith('models:')) throw new UsageError(`'${uri}' is not a models:/ URI; use 'darwin-mlflow artifacts download' for other URIs`);
      const bar = progressBar(ctx.io, o.progress);
      let files = 0;
      try {
        const written = await ctx.client(c).downloadArtifacts(uri, path.resolve(o.dest), {
          onProgress: (p) => {
            files = p.filesDone;
            bar.onProgress(p);
          },
        });
        bar.stop();
        ctx.printer(c).done(`Downloaded ${uri} to ${written} (${files} file${files === 1 ? '' : 's'}).`, { path: written, files });
      } finally {
        bar.stop();
      }
    });
  cmd
    .command('transition <name> <version> <stage>')
    .description(`Move a version to a stage (${MODEL_VERSION_STAGES.join(', ')})`)
    .option('--archive-existing', 'archive the versions currently in that stage')
    .action(async (name: string, version: string, stage: string, o: { archiveExisting?: boolean }, c: Command) => {
      const canonical = MODEL_VERSION_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
      if (canonical === undefined) throw new UsageError(`stage must be one of ${MODEL_VERSION_STAGES.join(', ')}, got '${stage}'`);
      const v = await ctx.client(c).modelVersions.transitionStage(name, version, canonical, o.archiveExisting === true);
      ctx.printer(c).done(`${name} version ${v.version} is now in ${v.current_stage}.`, { name, version: v.version, stage: v.current_stage });
    });
  cmd
    .command('alias <name> <alias> [version]')
    .description('Point an alias (e.g. champion) at a version; --delete removes it')
    .option('--delete', 'remove the alias')
    .action(async (name: string, alias: string, version: string | undefined, o: { delete?: boolean }, c: Command) => {
      const client = ctx.client(c);
      if (o.delete) {
        await client.registeredModels.deleteAlias(name, alias);
        return ctx.printer(c).done(`Removed alias ${alias} of ${name}.`, { name, alias });
      }
      if (version === undefined) throw new UsageError('give the version the alias should point at, or --delete');
      await client.registeredModels.setAlias(name, alias, version);
      ctx.printer(c).done(`models:/${name}@${alias} now points at version ${version}.`, { name, alias, version });
    });
}
