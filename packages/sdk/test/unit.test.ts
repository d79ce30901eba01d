/** Configuration from the environment and URI parsing: no server needed. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadClientConfig, parseArtifactUri, locationFromArtifactUri, deployUri } from '../src/index.js';

describe('loadClientConfig', () => {
  it("reads MLflow's variables and the Darwin user variable; options win", () => {
    const c = loadClientConfig({ maxRetries: 1 }, {
      MLFLOW_TRACKING_URI: 'https://mlflow.example.com/base/',
      user: 'a@example.com',
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '7',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '30',
      MLFLOW_TRACKING_INSECURE_TLS: 'true',
      MLFLOW_EXPERIMENT_ID: '4',
    });
    expect(c).toMatchObject({ username: 'a@example.com', password: 'a@example.com', maxRetries: 1, timeoutMs: 30_000, insecureTls: true, experimentId: '4' });
    expect(c.trackingUri.toString()).toBe('https://mlflow.example.com/base');
    expect(loadClientConfig({}, {}).trackingUri.toString()).toBe('http://localhost:5000/');
  });

  it('reports every problem at once', () => {
    let err: unknown;
    try {
      loadClientConfig({}, { MLFLOW_TRACKING_URI: 'databricks', MLFLOW_HTTP_REQUEST_MAX_RETRIES: 'x', MLFLOW_TRACKING_INSECURE_TLS: 'maybe' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toHaveLength(3);
  });
});

describe('artifact URIs', () => {
  it('parses runs:/ and every models:/ form', () => {
    expect(parseArtifactUri('runs:/abc/model/MLmodel')).toEqual({ scheme: 'runs', runId: 'abc', path: 'model/MLmodel' });
    expect(parseArtifactUri('models:/M/3')).toEqual({ scheme: 'models', name: 'M', version: '3', path: '' });
    expect(parseArtifactUri('models:/M/Production/sub')).toEqual({ scheme: 'models', name: 'M', stage: 'Production', path: 'sub' });
    expect(parseArtifactUri('models:/M/latest')).toEqual({ scheme: 'models', name: 'M', latest: true, path: '' });
    expect(parseArtifactUri('models:/M@champion')).toEqual({ scheme: 'models', name: 'M', alias: 'champion', path: '' });
    expect(() => parseArtifactUri('models:/M')).toThrow(/expected models:\//);
  });

  it('maps proxied locations to proxy paths', () => {
    expect(locationFromArtifactUri('mlflow-artifacts:/1/r/artifacts')).toEqual({ kind: 'proxy', path: '1/r/artifacts' });
    expect(locationFromArtifactUri('mlflow-artifacts://host:5000/1/r/artifacts', undefined, 'm')).toEqual({ kind: 'proxy', path: '1/r/artifacts/m' });
    expect(locationFromArtifactUri('http://h/api/2.0/mlflow-artifacts/artifacts/1/r')).toEqual({ kind: 'proxy', path: '1/r' });
    expect(locationFromArtifactUri('/data/mlruns/1/r/artifacts', 'r', 'm')).toEqual({ kind: 'run', runId: 'r', path: 'm' });
    expect(deployUri({ experiment_id: '2', run_id: 'abc' })).toBe('mlflow-artifacts:/2/abc/artifacts/model');
  });
});
