/** The auth configuration: MLflow's INI file and defaults, Darwin's variables, refusals. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadServerConfig } from '../../src/config/serverConfig.js';

function problems(argv: string[], env: Record<string, string>): string[] {
  try {
    loadServerConfig(argv, env, os.tmpdir());
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

function ini(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-authcfg-'));
  const file = path.join(dir, 'auth.ini');
  fs.writeFileSync(file, text);
  return file;
}

describe('auth configuration', () => {
  it("is off by default and on with --app-name basic-auth or MLFLOW_AUTH_ENABLED, with MLflow's defaults", () => {
    expect(loadServerConfig([], {}, '/srv').auth).toBeUndefined();
    const on = loadServerConfig(['--app-name', 'basic-auth'], {}, '/srv').auth!;
    expect(on).toMatchObject({ defaultPermission: 'READ', databaseUri: 'sqlite:///basic_auth.db', adminUsername: 'admin', adminPassword: undefined });
    expect(loadServerConfig([], { MLFLOW_AUTH_ENABLED: 'true' }, '/srv').auth).toBeDefined();
  });

  it('reads MLflow\'s INI file and lets the Darwin vault variables name the admin', () => {
    const file = ini('[mlflow]\ndefault_permission = NO_PERMISSIONS\ndatabase_uri = sqlite:////tmp/a.db\nadmin_username = root\nadmin_password = s3cret\n');
    const auth = loadServerConfig(['--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: file }, '/srv').auth!;
    expect(auth).toMatchObject({ defaultPermission: 'NO_PERMISSIONS', databaseUri: 'sqlite:////tmp/a.db', adminUsername: 'root', adminPassword: 's3cret' });
    const vault = loadServerConfig(['--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: file, VAULT_SERVICE_MLFLOW_ADMIN_USERNAME: 'ops', VAULT_SERVICE_MLFLOW_ADMIN_PASSWORD: 'v4ult' }, '/srv').auth!;
    expect(vault).toMatchObject({ adminUsername: 'ops', adminPassword: 'v4ult' });
  });

  it('composes the auth database URI from the Darwin MySQL variables', () => {
    const auth = loadServerConfig(['--app-name', 'basic-auth'], {
      CONFIG_SERVICE_MYSQL_MASTERHOST: 'db.internal',
      VAULT_SERVICE_MYSQL_USERNAME: 'mlflow',
      VAULT_SERVICE_MYSQL_PASSWORD: 'p@ss',
      CONFIG_SERVICE_MYSQL_DATABASE: 'mlflow',
      CONFIG_SERVICE_MYSQL_AUTH_DATABASE: 'mlflow_auth',
    }, '/srv').auth!;
    expect(auth.databaseUri).toBe('mysql://mlflow:p%40ss@db.internal:3306/mlflow_auth');
  });

  it('refuses the well-known admin password beyond loopback, empty passwords, bad permissions and Python auth functions', () => {
    const known = ini('[mlflow]\nadmin_username = admin\nadmin_password = password\n');
    expect(problems(['--app-name', 'basic-auth', '--host', '0.0.0.0'], { MLFLOW_AUTH_CONFIG_PATH: known }).join('\n')).toContain("well-known admin password");
    expect(problems(['--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: known })).toEqual([]);
    expect(problems(['--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: ini('[mlflow]\nadmin_password =\n') })).toEqual(['The admin password must not be empty.']);
    expect(problems(['--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: ini('[mlflow]\ndefault_permission = ALL\n') })[0]).toContain("Invalid default_permission 'ALL'");
    expect(problems(['--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: ini('[mlflow]\nauthorization_function = my.mod:auth\n') })[0]).toContain('custom Python authorization functions');
    expect(problems(['--auth-trusted-header', 'email'], {})[0]).toContain('needs authentication on');
    expect(problems(['--app-name', 'basic-auth'], { MLFLOW_AUTH_CONFIG_PATH: '/nonexistent/auth.ini' })[0]).toContain('Cannot read the auth config');
  });

  it('prints a generated admin password once, and adopts an existing MLflow auth database as is', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'darwin-adopt-'));
    const authDb = path.join(dir, 'basic_auth.db');
    // MLflow 2.12.2's auth schema as its alembic migration creates it, with a Werkzeug 2.2 user
    const db = new Database(authDb);
    db.exec(`CREATE TABLE users (id INTEGER NOT NULL, username VARCHAR(255), password_hash VARCHAR(255), is_admin BOOLEAN, PRIMARY KEY (id), UNIQUE (username));
      CREATE TABLE experiment_permissions (id INTEGER NOT NULL, experiment_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255), PRIMARY KEY (id), CONSTRAINT fk_user_id FOREIGN KEY(user_id) REFERENCES users (id), CONSTRAINT unique_experiment_user UNIQUE (experiment_id, user_id));
      CREATE TABLE registered_model_permissions (id INTEGER NOT NULL, name VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255), PRIMARY KEY (id), CONSTRAINT fk_user_id FOREIGN KEY(user_id) REFERENCES users (id), CONSTRAINT unique_name_user UNIQUE (name, user_id));
      CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
      INSERT INTO alembic_version VALUES ('8606fa83a998');
      INSERT INTO users (username, password_hash, is_admin) VALUES ('legacy', 'pbkdf2:sha256:260000$56fl7MhGgJQMWrxf$2743e4804732f2fd7c1230a8b3a3713f1f38ac478ec71fb2505545c880024bd4', 1);`);
    db.close();
    const lines: string[] = [];
    const config = loadServerConfig(['--app-name', 'basic-auth', '--backend-store-uri', `sqlite:///${path.join(dir, 'mlruns.db')}`], {}, dir);
    const app = await buildApp(config, { log: (line) => lines.push(line) });
    try {
      const generated = /generated password: (\S+)/.exec(lines.join('\n'))?.[1];
      expect(generated).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const auth = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
      expect((await app.inject({ url: '/api/2.0/mlflow/users/get?username=admin', headers: auth('admin', generated!) })).statusCode).toBe(200);
      expect((await app.inject({ url: '/api/2.0/mlflow/users/get?username=legacy', headers: auth('legacy', 'pässword') })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    // a second start finds the admin and prints nothing
    const again: string[] = [];
    const second = await buildApp(config, { log: (line) => again.push(line) });
    await second.close();
    expect(again).toEqual([]);
    const check = new Database(authDb);
    expect(check.prepare('SELECT version_num FROM alembic_version').all()).toEqual([{ version_num: '8606fa83a998' }]);
    check.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
