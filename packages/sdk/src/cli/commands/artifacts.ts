/** `artifacts list | download | upload` by URI, with progress bars. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { joinPath } from '../../resources/artifacts.js';
import type { FileInfo } from '../../types.js';
import type { Context } from '../context.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../output.js';

const URI_HELP = `
Artifact URIs:
  runs:/<run_id>/<path>                a run's artifacts
  models:/<name>/<version>             a model version (also models:/<name>/Production, models:/<name>/latest)
  models:/<name>@<alias>               the version an alias points to
  mlflow-artifacts:/<exp>/<run>/artifacts/<path>   a location in the server's artifact store`;

export function artifactsCommand(program: Command, ctx: Context): void {
  const cmd = program.command('artifacts').description('List, download and upload artifacts by URI').addHelpText('after', URI_HELP);
  cmd
    .command('list <uri>')
    .description('List one level of artifacts (add --recursive for every file)')
    .option('-r, --recursive', 'every file below the URI')
    .action(async (uri: string, o: { recursive?: boolean }, c: Command) => {
      const client = ctx.client(c);
      const location = await client.resolveArtifactUri(uri);
      const rows = o.recursive ? await client.artifacts.walk(location) : await client.artifacts.list(location);
      ctx.printer(c).table(rows, [
        ['PATH', (f: FileInfo) => (f.is_dir ? `${f.path}/` : f.path)],
        ['SIZE', (f: FileInfo) => (f.is_dir ? '' : f.file_size)],
      ]);
    });
  cmd
    .command('download <uri>')
    .description('Download a file or a whole directory (e.g. a model) into --dest')
    .option('-d, --dest <dir>', 'local directory to write into', '.')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', `\nExamples:\n  darwin-mlflow artifacts download runs:/<run_id>/model\n  darwin-mlflow artifacts download models:/HousePricingRF@champion --dest ./models\n${URI_HELP}`)
    .action(async (uri: string, o: { dest: string; progress: boolean }, c: Command) => {
      const client = ctx.client(c);
      const bar = progressBar(ctx.io, o.progress);
      let files = 0;
      try {
        const written = await client.downloadArtifacts(uri, path.resolve(o.dest), {
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
    .command('upload <local-path> <uri>')
    .description('Upload a file (to <uri>/<basename>) or a directory\'s content (below <uri>)')
    .option('--no-progress', 'no progress bar')
    .addHelpText('after', `\nExamples:\n  darwin-mlflow artifacts upload ./model runs:/<run_id>/model\n  darwin-mlflow artifacts upload report.html runs:/<run_id>/reports`)
    .action(async (localPath: string, uri: string, o: { progress: boolean }, c: Command) => {
      const stat = await fs.promises.stat(localPath).catch(() => undefined);
      if (stat === undefined) throw new UsageError(`${localPath} does not exist`);
      const client = ctx.client(c);
      const location = await client.resolveArtifactUri(uri);
      const bar = progressBar(ctx.io, o.progress);
      try {
        const files = stat.isDirectory()
          ? await client.artifacts.uploadDir(localPath, location, { onProgress: bar.onProgress })
          : (await client.artifacts.uploadFile(localPath, { ...location, path: joinPath(location.path, path.basename(localPath)) }, { onProgress: bar.onProgress }), 1);
        bar.stop();
        ctx.printer(c).done(`Uploaded ${files} file${files === 1 ? '' : 's'} to ${uri}.`, { files });
      } finally {
        bar.stop();
      }
    });
}
