import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { garbageCollect, parseOlderThan } from '../../src/artifacts/gc.js';
import type { GcOptions } from '../../src/artifacts/gc.js';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const API = '/api/2.0/mlflow';

describe('the --older-than grammar', () => {
  it('reads MLflow durations', () => {
    expect(parseOlderThan('1d2h3m4s')).toBe(((24 + 2) * 60 + 3) * 60_000 + 4000);
    expect(parseOlderThan('1.5h')).toBe(90 * 60_000);
    expect(parseOlderThan('2m4s')).toBe(124_000);
    expect(() => parseOlderThan('3 days')).toThrow("Could not parse any time information from '3 days'");
  });
});

describe.each(testDialects())('gc on $dialect', (dialect) => {
  let server: TestServer;
  let dest: string;
  let options: GcOptions;

  beforeAll(async () => {
    server = await startTestApp(dialect, 'gc', ['--artifacts-destination', 'dest']);
    dest = path.join(server.artifactRoot, 'dest');
    options = { artifactsDestination: dest, defaultArtifactRoot: server.artifactRoot, serveArtifacts: true, cwd: server.artifactRoot, env: {} };
  });
  afterAll(async () => server?.close());

  async function runWithData(experimentId: string): Promise<{ runId: string; artifactDir: string }> {
    const run = (await call(server.app, 'POST', `${API}/runs/create`, { experiment_id: experimentId })).body.run.info;
    const runId = run.run_id as string;
    await call(server.app, 'POST', `${API}/runs/log-batch`, {
      run_id: runId,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'p', value: 'v' }],
      tags: [{ key: 't', value: 'v' }],
    });
    await call(server.app, 'POST', `${API}/runs/log-inputs`, {
      run_id: runId,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: `d-${runId}`, digest: 'x', source_type: 'local', source: '/d' } }],
    });
    const up = await server.app.inject({ method: 'POST', url: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=dir/a.txt`, payload: 'artifact' });
    expect(up.statusCode).toBe(200);
    const uri = run.artifact_uri as string;
    const artifactDir = uri.startsWith('mlflow-artifacts:/') ? path.join(dest, uri.slice('mlflow-artifacts:/'.length)) : uri;
    expect(fs.existsSync(path.join(artifactDir, 'dir', 'a.txt'))).toBe(true);
    return { runId, artifactDir };
  }

  async function rowCounts(runId: string): Promise<number[]> {
    const database = Database.open(server.database.uri, { pool: { size: 1 } });
    try {
      return await database.read(async (db) => {
        const counts: number[] = [];
        for (const table of ['metrics', 'latest_metrics', 'params', 'tags'] as const) {
          counts.push((await db.selectFrom(table).select('run_uuid').where('run_uuid', '=', runId).execute()).length);
        }
        counts.push((await db.selectFrom('inputs').select('input_uuid').where('destination_id', '=', runId).execute()).length);
        counts.push((await db.selectFrom('runs').select('run_uuid').where('run_uuid', '=', runId).execute()).length);
        return counts;
      });
    } finally {
      await database.close();
    }
  }

  async function gc(extra: Partial<GcOptions> = {}) {
    const database = Database.open(server.database.uri, { pool: { size: 1 } });
    try {
      return await garbageCollect(database, { ...options, ...extra });
    } finally {
      await database.close();
    }
  }

  it('removes deleted runs with all their rows and artifacts, and deleted experiments with their runs', async () => {
    const local = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-local' })).body.experiment_id;
    const proxied = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-proxied', artifact_location: 'mlflow-artifacts:/gcp' })).body.experiment_id;
    const doomed = await runWithData(local);
    const kept = await runWithData(local);
    const doomedProxied = await runWithData(proxied);
    expect(await rowCounts(doomed.runId)).toEqual([1, 1, 1, 2, 1, 1]);
    await call(server.app, 'POST', `${API}/runs/delete`, { run_id: doomed.runId });
    await call(server.app, 'POST', `${API}/experiments/delete`, { experiment_id: proxied });

    // --older-than keeps what was deleted too recently
    await expect(gc({ olderThan: '1d', runIds: [doomed.runId] })).rejects.toThrow('is not older than the required age');

    const result = await gc();
    expect(result.runs.sort()).toEqual([doomed.runId, doomedProxied.runId].sort());
    expect(result.experiments).toEqual([proxied]);
    expect(await rowCounts(doomed.runId)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await rowCounts(doomedProxied.runId)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(fs.existsSync(doomed.artifactDir)).toBe(false);
    expect(fs.existsSync(doomedProxied.artifactDir)).toBe(false);
    expect(fs.existsSync(path.join(kept.artifactDir, 'dir', 'a.txt'))).toBe(true);
    expect((await rowCounts(kept.runId)).at(-1)).toBe(1);
    expect((await call(server.app, 'GET', `${API}/experiments/get?experiment_id=${proxied}`)).status).toBe(404);
    expect((await call(server.app, 'GET', `${API}/runs/get?run_id=${kept.runId}`)).status).toBe(200);
  });

  it('refuses runs and experiments that are not deleted', async () => {
    const exp = (await call(server.app, 'POST', `${API}/experiments/create`, { name: 'gc-active' })).body.experiment_id;
    const { runId } = await runWithData(exp);
    await expect(gc({ runIds: [runId] })).rejects.toThrow('is not in `deleted` lifecycle stage');
    await expect(gc({ experimentIds: [exp] })).rejects.toThrow(`Experiments ['${exp}'] are not in the deleted lifecycle stage`);
    expect((await rowCounts(runId)).at(-1)).toBe(1);
  });
});
