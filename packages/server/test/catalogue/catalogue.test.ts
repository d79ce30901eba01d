/**
 * The endpoint catalogue must list exactly the RPCs of MLflow 2.12.2 as the compatibility spec
 * (../shared/spec/mlflow-2.12.2.md §2.1–2.3) records them, with the same methods and paths, and
 * the app must mount each of them under both route families.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACT_ENDPOINTS, ENDPOINTS, REGISTRY_ENDPOINTS, TRACKING_ENDPOINTS } from '@darwin-mlflow/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const specPath = path.join(repoRoot, '..', 'shared', 'spec', 'mlflow-2.12.2.md');
const hasSpec = fs.existsSync(specPath);
if (!hasSpec) console.warn(`[darwin-mlflow tests] ${specPath} not found: skipping the catalogue-vs-spec comparison.`);

/** Rows such as "| 3 | POST and GET | `/mlflow/experiments/search` | ..." of one spec section. */
function specRows(section: string, nextSection: string): string[] {
  const text = fs.readFileSync(specPath, 'utf8');
  const body = text.slice(text.indexOf(section), text.indexOf(nextSection));
  const rows: string[] = [];
  for (const m of body.matchAll(/^\| \d+ \| ([A-Za-z ]+?) \| `([^`]+)`/gm)) {
    for (const method of (m[1] as string).split(' and ')) rows.push(`${method} ${m[2]}`);
  }
  return rows.sort();
}

function catalogueRows(endpoints: readonly { methods: readonly string[]; path: string }[]): string[] {
  return endpoints.flatMap((e) => e.methods.map((m) => `${m} ${e.path}`)).sort();
}

describe.skipIf(!hasSpec)('endpoint catalogue', () => {
  it('has the 24 tracking RPCs of the spec', () => {
    expect(catalogueRows(TRACKING_ENDPOINTS)).toEqual(specRows('### 2.1 Tracking service', '**2.1b'));
    expect(TRACKING_ENDPOINTS).toHaveLength(24);
  });

  it('has the 21 registry RPCs of the spec', () => {
    expect(catalogueRows(REGISTRY_ENDPOINTS)).toEqual(specRows('### 2.2 Model registry service', '### 2.3'));
    expect(REGISTRY_ENDPOINTS).toHaveLength(21);
  });

  it('has the 7 artifact proxy RPCs of the spec', () => {
    const paths = catalogueRows(ARTIFACT_ENDPOINTS).map((r) => r.replace(/\/mlflow-artifacts/, '').replace(/\/\*$/, '/<path>'));
    expect(paths).toEqual(specRows('### 2.3 Artifact proxy service', '### 2.4'));
  });
});

describe('mounting', () => {
  const sqlite = testDialects().find((d) => d.dialect === 'sqlite')!;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestApp(sqlite, 'catalogue');
  });
  afterAll(async () => server?.close());

  it('serves every proto endpoint under /api/<version>.0 and /ajax-api/<version>.0 (never a 404)', async () => {
    for (const endpoint of ENDPOINTS) {
      const version = endpoint.apiVersion ?? 2;
      for (const prefix of [`/api/${version}.0`, `/ajax-api/${version}.0`]) {
        const method = endpoint.methods[0] as 'GET';
        const res = await server.app.inject({ method, url: prefix + endpoint.path, headers: { 'content-type': 'application/json' }, payload: method === 'GET' ? undefined : '{}' });
        const unrouted = res.statusCode === 404 && JSON.parse(res.body).error_code === 'ENDPOINT_NOT_FOUND';
        expect(unrouted, `${method} ${prefix}${endpoint.path}`).toBe(false);
      }
    }
  });
});
