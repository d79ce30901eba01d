/** Test data written through the server's public REST API, as an MLflow client would. */

export class Seeder {
  constructor(private readonly base: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/api/2.0/mlflow/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async experiment(name: string, tags: Record<string, string> = {}): Promise<string> {
    const r = await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
    return r.experiment_id;
  }

  async run(experimentId: string, name: string, opts: { params?: Record<string, string>; metrics?: Record<string, number>; tags?: Record<string, string>; startTime?: number; finished?: boolean } = {}) {
    const startTime = opts.startTime ?? Date.now();
    const tags = Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value }));
    const { run } = await this.call<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', 'runs/create', { experiment_id: experimentId, run_name: name, start_time: startTime, tags });
    const runId = run.info.run_id;
    await this.call('POST', 'runs/log-batch', {
      run_id: runId,
      params: Object.entries(opts.params ?? {}).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(opts.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: startTime, step: 0 })),
    });
    if (opts.finished !== false) await this.call('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: startTime + 1000 });
    return { runId, artifactUri: run.info.artifact_uri };
  }

  async history(runId: string, key: string, values: readonly number[], startStep = 0, t0 = Date.now()): Promise<void> {
    for (let i = 0; i < values.length; i += 1000) {
      const metrics = values.slice(i, i + 1000).map((value, j) => ({ key, value, step: startStep + i + j, timestamp: t0 + i + j }));
      await this.call('POST', 'runs/log-batch', { run_id: runId, metrics });
    }
  }

  /** Uploads through the artifact proxy: `mlflow-artifacts:/<path>` is served at this URL. */
  async artifact(artifactUri: string, relPath: string, body: string | Uint8Array): Promise<void> {
    const root = artifactUri.replace(/^mlflow-artifacts:\//, '');
    const res = await fetch(`${this.base}/api/2.0/mlflow-artifacts/artifacts/${root}/${relPath}`, { method: 'PUT', body });
    if (!res.ok) throw new Error(`upload ${relPath}: ${res.status} ${await res.text()}`);
  }
}
