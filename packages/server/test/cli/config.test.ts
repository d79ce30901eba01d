import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from '../../src/config/serverConfig.js';

const cwd = '/srv/app';

describe('server configuration from flags and environment', () => {
  it("defaults to MLflow's server defaults with an embedded SQLite store", () => {
    const c = loadServerConfig([], {}, cwd);
    expect(c).toMatchObject({
      backendStoreUri: 'sqlite:///mlruns.db',
      registryStoreUri: 'sqlite:///mlruns.db',
      defaultArtifactRoot: 'mlflow-artifacts:/',
      serveArtifacts: true,
      host: '127.0.0.1',
      port: 5000,
      workers: 1,
      staticPrefix: '',
      truncateLongValues: true,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads MLflow flags, short aliases and MLFLOW_* variables; flags win', () => {
    const c = loadServerConfig(
      ['-h', '0.0.0.0', '--port=8080', '--backend-store-uri', 'postgresql+psycopg2://u:p@db/mlflow', '--no-serve-artifacts', '--default-artifact-root', 'rel/root'],
      { MLFLOW_PORT: '9999', MLFLOW_BACKEND_STORE_URI: 'sqlite:///other.db', MLFLOW_WORKERS: '3' },
      cwd,
    );
    expect(c).toMatchObject({ host: '0.0.0.0', port: 8080, backendStoreUri: 'postgresql+psycopg2://u:p@db/mlflow', serveArtifacts: false, workers: 3, defaultArtifactRoot: '/srv/app/rel/root' });
  });

  it('composes the MySQL URI from the Darwin deployment variables when no flag is given', () => {
    const env = {
      CONFIG_SERVICE_MYSQL_MASTERHOST: 'darwin-mysql',
      VAULT_SERVICE_MYSQL_USERNAME: 'darwin',
      VAULT_SERVICE_MYSQL_PASSWORD: 'p@ss',
      CONFIG_SERVICE_MYSQL_DATABASE: 'darwin_mlflow',
      MYSQL_PORT: '3307',
    };
    expect(loadServerConfig([], env, cwd).backendStoreUri).toBe('mysql://darwin:p%40ss@darwin-mysql:3307/darwin_mlflow');
    expect(loadServerConfig([], { DARWIN_MYSQL_HOST: 'h' }, cwd).backendStoreUri).toBe('mysql://h:3306/darwin_mlflow');
    expect(loadServerConfig(['--backend-store-uri', 'sqlite:///x.db'], env, cwd).backendStoreUri).toBe('sqlite:///x.db');
  });

  it('accepts and ignores --dev, --gunicorn-opts and --waitress-opts', () => {
    expect(() => loadServerConfig(['--dev', '--gunicorn-opts', '--timeout 60', '--waitress-opts', '--threads 4'], {}, cwd)).not.toThrow();
  });

  it('reports every problem at once', () => {
    try {
      loadServerConfig(['--port', 'abc', '--static-prefix', 'x/', '--bogus', '--backend-store-uri', 'file:///tmp/mlruns'], {}, cwd);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('No such option: --bogus');
      expect(problems).toContain("--port");
      expect(problems).toContain("--static-prefix must begin with a '/'.");
      expect(problems).toContain("--static-prefix should not end with a '/'.");
      expect(problems).toContain('Unsupported --backend-store-uri');
    }
  });

  it('refuses --artifacts-only with an explicit backend store, as MLflow does', () => {
    expect(() => loadServerConfig(['--artifacts-only', '--backend-store-uri', 'sqlite:///x.db'], {}, cwd)).toThrow(/--artifacts-only/);
    expect(() => loadServerConfig(['--artifacts-only'], {}, cwd)).not.toThrow();
  });
});
