/**
 * Reads the recorded MLflow 2.12.2 corpus (`<repo>/../shared/conformance/*.jsonl`, described in
 * its README): one file per MLflow REST test; a `{"meta": ...}` line starts a fresh server and the
 * exchanges after it run against that server, in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKeepingNumbers, plainNumbers } from './jsonText.js';

/** How the reference server was started (placeholders `{TMP}`, `{ELSEWHERE}` unresolved). */
export interface SessionMeta {
  readonly test: string;
  readonly backend_uri: string;
  readonly root_artifact_uri: string;
  readonly extra_env: Readonly<Record<string, string>> | null;
  /** `mlflow.server.auth:create_app` when the server ran with `--app-name basic-auth`. */
  readonly app: string | null;
  /** 3.x corpus only: `fastapi` or `flask`. */
  readonly server_type?: string;
}

/**
 * A request or response body as recorded: JSON, text, base64 bytes, or nothing. Request JSON
 * keeps its numbers as written (jsonText.ts); response JSON is plain.
 */
export interface RecordedBody {
  readonly json?: unknown;
  readonly text?: string;
  readonly b64?: string;
  readonly body_len?: number;
  readonly body_omitted?: boolean;
}

export interface Exchange {
  /** 1-based line in the .jsonl file, for reports. */
  readonly line: number;
  readonly method: string;
  /** Path with its raw query string, as it went over the wire. */
  readonly path: string;
  readonly req_content_type: string | null;
  readonly req: RecordedBody;
  readonly status: number;
  readonly res_content_type: string | null;
  readonly res: RecordedBody;
}

export interface Session {
  readonly meta: SessionMeta;
  readonly exchanges: readonly Exchange[];
}

export interface CorpusFile {
  /** File name without `.jsonl`: the key used by the expectation lists and reports. */
  readonly name: string;
  readonly sessions: readonly Session[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** packages/server/test/conformance -> repository root. */
export const REPO_ROOT = path.resolve(here, '../../../..');

/** The corpus lives next to the repository (shared between checkouts), not inside it. */
export function corpusDirectory(repoRoot: string = REPO_ROOT, name = 'conformance'): string | undefined {
  const dir = path.resolve(repoRoot, '..', 'shared', name);
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? dir : undefined;
}

export function listCorpusFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort();
}

export function readCorpusFile(dir: string, name: string): CorpusFile {
  const lines = fs.readFileSync(path.join(dir, `${name}.jsonl`), 'utf8').split('\n');
  const sessions: { meta: SessionMeta; exchanges: Exchange[] }[] = [];
  lines.forEach((text, index) => {
    if (text.trim() === '') return;
    const record = parseLine(text);
    if ('meta' in record) {
      sessions.push({ meta: record.meta as SessionMeta, exchanges: [] });
      return;
    }
    const current = sessions.at(-1);
    if (!current) throw new Error(`${name}.jsonl:${index + 1}: exchange before the first meta line`);
    const exchange = record as unknown as Omit<Exchange, 'line'>;
    const req = exchange.req.json === undefined ? exchange.req : (parseKeepingNumbers(text) as { req: RecordedBody }).req;
    current.exchanges.push({ ...exchange, req, line: index + 1 });
  });
  return { name, sessions };
}

function parseLine(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return plainNumbers(parseKeepingNumbers(text)) as Record<string, unknown>;
  }
}

export function exchangeCount(file: CorpusFile): number {
  return file.sessions.reduce((n, s) => n + s.exchanges.length, 0);
}
