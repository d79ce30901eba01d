/** `experiments`, `runs` and `metrics`. */
import type { Command } from 'commander';
import type { Experiment, Metric, Run } from '../../types.js';
import { findExperiment, positiveInt, viewType } from '../context.js';
import type { Context } from '../context.js';
import { time } from '../output.js';
import type { Column } from '../output.js';

const EXPERIMENT_COLUMNS: Column<Experiment>[] = [
  ['ID', (e) => e.experiment_id],
  ['NAME', (e) => e.name],
  ['STAGE', (e) => e.lifecycle_stage],
  ['CREATED', (e) => time(e.creation_time)],
  ['ARTIFACT LOCATION', (e) => e.artifact_location],
];

const RUN_COLUMNS: Column<Run>[] = [
  ['RUN ID', (r) => r.info.run_id],
  ['NAME', (r) => r.info.run_name],
  ['STATUS', (r) => r.info.status],
  ['STARTED', (r) => time(r.info.start_time)],
  ['USER', (r) => r.info.user_id],
  ['METRICS', (r) => (r.data?.metrics ?? []).map((m) => `${m.key}=${m.value}`).join(' ')],
];

export function experimentsCommand(program: Command, ctx: Context): void {
  const cmd = program.command('experiments').description('List, inspect, create, rename, delete and restore experiments');
  cmd
    .command('list')
    .description('List experiments (newest first)')
    .option('--filter <expr>', `MLflow filter, e.g. "name LIKE 'house%'"`)
    .option('--view <view>', 'active, deleted or all', 'active')
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 100)
    .action(async (o: { filter?: string; view: string; limit: number }, c: Command) => {
      const client = ctx.client(c);
      const rows = await client.experiments.search({ filter: o.filter, viewType: viewType(o.view), orderBy: ['creation_time DESC'], maxResults: Math.min(o.limit, 1000) }).toArray(o.limit);
      ctx.printer(c).table(rows, EXPERIMENT_COLUMNS);
    });
  cmd
    .command('get <id-or-name>')
    .description('Show one experiment')
    .action(async (idOrName: string, _o: unknown, c: Command) => {
      const e = await findExperiment(ctx.client(c), idOrName);
      ctx.printer(c).record(e, [...EXPERIMENT_COLUMNS, ['TAGS', (x: Experiment) => Object.fromEntries((x.tags ?? []).map((t) => [t.key, t.value]))]]);
    });
  cmd
    .command('create <name>')
    .description('Create an experiment and print its id')
    .option('--artifact-location <uri>', 'where its runs keep artifacts (default: the server\'s root)')
    .action(async (name: string, o: { artifactLocation?: string }, c: Command) => {
      const id = await ctx.client(c).experiments.create(name, { artifactLocation: o.artifactLocation });
      ctx.printer(c).done(id, { experiment_id: id });
    });
  cmd
    .command('rename <id-or-name> <new-name>')
    .description('Rename an experiment')
    .action(async (idOrName: string, newName: string, _o: unknown, c: Command) => {
      const client = ctx.client(c);
      const e = await findExperiment(client, idOrName);
      await client.experiments.update(e.experiment_id, newName);
      ctx.printer(c).done(`Renamed experiment ${e.experiment_id} to '${newName}'.`, { experiment_id: e.experiment_id });
    });
  for (const [verb, text] of [['delete', 'Delete (soft; restore brings it back)'], ['restore', 'Restore a deleted']] as const) {
    cmd
      .command(`${verb} <id-or-name>`)
      .description(`${text} experiment`)
      .action(async (idOrName: string, _o: unknown, c: Command) => {
        const client = ctx.client(c);
        const e = await findExperiment(client, idOrName);
        await client.experiments[verb](e.experiment_id);
        ctx.printer(c).done(`${verb === 'delete' ? 'Deleted' : 'Restored'} experiment ${e.experiment_id} (${e.name}).`, { experiment_id: e.experiment_id });
      });
  }
}

export function runsCommand(program: Command, ctx: Context): void {
  const cmd = program.command('runs').description('List, inspect, delete and restore runs');
  cmd
    .command('list')
    .description('List the runs of an experiment, newest first')
    .requiredOption('-e, --experiment <id-or-name>', 'the experiment (id or name)')
    .option('--filter <expr>', `MLflow search filter, e.g. "metrics.rmse < 1 and params.model = 'rf'"`)
    .option('--order-by <clause...>', 'e.g. "metrics.rmse ASC"', ['attributes.start_time DESC'])
    .option('--view <view>', 'active, deleted or all', 'active')
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 100)
    .addHelpText('after', `\nExamples:\n  darwin-mlflow runs list --experiment house_pricing\n  darwin-mlflow runs list -e 3 --filter "metrics.r2 > 0.8" --order-by "metrics.r2 DESC" --json`)
    .action(async (o: { experiment: string; filter?: string; orderBy: string[]; view: string; limit: number }, c: Command) => {
      const client = ctx.client(c);
      const e = await findExperiment(client, o.experiment);
      const rows = await client.runs.search([e.experiment_id], { filter: o.filter, orderBy: o.orderBy, runViewType: viewType(o.view), maxResults: Math.min(o.limit, 1000) }).toArray(o.limit);
      ctx.printer(c).table(rows, RUN_COLUMNS);
    });
  cmd
    .command('get <run-id>')
    .description('Show a run with its params, metrics and tags')
    .action(async (runId: string, _o: unknown, c: Command) => {
      const run = await ctx.client(c).runs.get(runId);
      const kv = (list: { key: string; value?: unknown }[] | undefined) => Object.fromEntries((list ?? []).map((x) => [x.key, x.value]));
      ctx.printer(c).record(run, [
        ['RUN ID', (r: Run) => r.info.run_id],
        ['NAME', (r: Run) => r.info.run_name],
        ['EXPERIMENT', (r: Run) => r.info.experiment_id],
        ['STATUS', (r: Run) => r.info.status],
        ['STARTED', (r: Run) => time(r.info.start_time)],
        ['ENDED', (r: Run) => time(r.info.end_time)],
        ['ARTIFACTS', (r: Run) => r.info.artifact_uri],
        ['PARAMS', (r: Run) => kv(r.data?.params)],
        ['METRICS', (r: Run) => kv(r.data?.metrics)],
        ['TAGS', (r: Run) => kv(r.data?.tags?.filter((t) => !t.key.startsWith('mlflow.')))],
      ]);
    });
  for (const verb of ['delete', 'restore'] as const) {
    cmd
      .command(`${verb} <run-id>`)
      .description(verb === 'delete' ? 'Delete a run (soft; restore brings it back)' : 'Restore a deleted run')
      .action(async (runId: string, _o: unknown, c: Command) => {
        await ctx.client(c).runs[verb](runId);
        ctx.printer(c).done(`${verb === 'delete' ? 'Deleted' : 'Restored'} run ${runId}.`, { run_id: runId });
      });
  }
}

export function metricsCommand(program: Command, ctx: Context): void {
  const cmd = program.command('metrics').description("Read a run's metric history");
  cmd
    .command('history <run-id> <key>')
    .description('Every logged point of one metric of one run')
    .option('--limit <n>', 'at most this many points', positiveInt('--limit'))
    .action(async (runId: string, key: string, o: { limit?: number }, c: Command) => {
      const rows = await ctx.client(c).metrics.history(runId, key).toArray(o.limit);
      ctx.printer(c).table(rows, [
        ['STEP', (m: Metric) => m.step],
        ['VALUE', (m: Metric) => m.value],
        ['TIME', (m: Metric) => time(m.timestamp)],
      ]);
    });
}
