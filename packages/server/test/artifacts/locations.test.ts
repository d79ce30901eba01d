import { describe, expect, it } from 'vitest';
import { ArtifactLocations, proxiedPath } from '../../src/artifacts/locations.js';

describe('where artifact locations live', () => {
  const locations = new ArtifactLocations({
    artifactsDestination: 'file:///tmp/darwin-dest',
    defaultArtifactRoot: 'file:///srv/root',
    serveArtifacts: true,
    cwd: '/tmp',
    env: {},
  });

  it('maps proxied locations into the destination (spec §8.4)', () => {
    expect(proxiedPath('mlflow-artifacts:/1/r/artifacts')).toBe('1/r/artifacts');
    expect(proxiedPath('mlflow-artifacts://host:5000/1/r/artifacts')).toBe('1/r/artifacts');
    expect(proxiedPath('https://h/base/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts')).toBe('1/r/artifacts');
    expect(proxiedPath('http://h/api/2.0/mlflow-artifacts/artifacts')).toBe('');
    expect(proxiedPath('s3://b/p')).toBeUndefined();
    expect(() => proxiedPath('https://elsewhere.example/file')).toThrow('cannot be served');
    const { repo, path } = locations.resolve('mlflow-artifacts:/1/r/artifacts', 'model/MLmodel');
    expect(repo.uri).toBe('file:///tmp/darwin-dest');
    expect(path).toBe('1/r/artifacts/model/MLmodel');
  });

  it('opens direct locations inside a configured root, through that root', () => {
    expect(locations.resolve('file:///srv/root/3/r/artifacts', 'a.txt')).toMatchObject({ path: '3/r/artifacts/a.txt' });
    expect(locations.resolve('/srv/root/3/r/artifacts', '').repo.uri).toBe('file:///srv/root');
  });

  it('refuses everything else', () => {
    for (const uri of ['file:///srv/rootx/3', '/etc', 'file://evil.host/srv/root/3', 'gs://b/x', 'hdfs://n/x', 's3://other/x']) {
      expect(() => locations.resolve(uri, 'a'), uri).toThrow('cannot be served');
    }
    expect(() => locations.resolve('mlflow-artifacts:/../x', 'a')).toThrow('Invalid path');
  });

  it('does not resolve proxied locations when serving is off (and never fetches them)', () => {
    const off = new ArtifactLocations({ artifactsDestination: '/tmp/d', defaultArtifactRoot: '/tmp/r', serveArtifacts: false, cwd: '/tmp', env: {} });
    expect(() => off.resolve('mlflow-artifacts:/1/r/artifacts', 'a')).toThrow('cannot be served');
  });
});
