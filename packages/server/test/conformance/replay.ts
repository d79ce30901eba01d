/**
 * Replays one corpus file: a fresh server per `meta` line, every exchange in order over a real
 * socket, each answer judged against the recording. A mismatch does not stop the file: later
 * exchanges still count, and the first MAX_KEPT mismatches go to the report.
 */
import http from 'node:http';
import { exchangeCount } from './corpus.js';
import type { CorpusFile, Exchange, Session } from './corpus.js';
import { judge } from './compare.js';
import type { Difference } from './compare.js';
import { findDifference, requestText } from './differences.js';
import type { DeliberateDifference } from './differences.js';
import { IdMapper } from './idMapper.js';
import { InterchangeableRuns } from './interchangeableRuns.js';
import { isRawNumber } from './jsonText.js';
import { launch } from './launch.js';
import type { RunningServer } from './launch.js';
import type { NewDbSchema } from '../../src/config/serverConfig.js';
import type { TestDialect } from '../support/databases.js';
import { rewriteRequest } from './requestRewrite.js';
import { writeClientFiles } from './clientWrites.js';
import { basicAuth, send } from './send.js';

export interface Mismatch extends Difference {
  readonly line: number;
  readonly method: string;
  readonly path: string;
  readonly request: string;
  readonly recordedStatus: number;
  readonly ourStatus: number;
}

export interface FileResult {
  readonly name: string;
  readonly total: number;
  /** Exchanges that matched, including those accepted as deliberate differences. */
  readonly passed: number;
  /** Deliberate-difference ids that accepted an exchange. */
  readonly accepted: readonly string[];
  readonly firstMismatch?: Mismatch;
  /** The first MAX_KEPT mismatches (the JSON report lists them; the table shows the first). */
  readonly mismatches: readonly Mismatch[];
  /** A server that would not start, or a socket error. */
  readonly error?: string;
}

const MAX_KEPT = 20;

/** `schema`: the head our fresh databases get, that of the MLflow which recorded the corpus. */
export async function replayFile(
  file: CorpusFile,
  differences: readonly DeliberateDifference[],
  schema: NewDbSchema = '2.12.2',
  backend?: TestDialect,
): Promise<FileResult> {
  const tally: Tally = { passed: 0, accepted: [], firstMismatch: undefined, mismatches: [] };
  const result = (error?: string): FileResult => ({ name: file.name, total: exchangeCount(file), ...tally, ...(error ? { error } : {}) });
  for (const session of file.sessions) {
    let server: RunningServer;
    try {
      server = await launch(session.meta, schema, backend);
    } catch (err) {
      return result(`server did not start: ${String(err)}`);
    }
    try {
      await replaySession(file.name, session, server, differences, tally);
    } catch (err) {
      return result(String(err));
    } finally {
      await server.close();
    }
  }
  return result();
}

interface Tally {
  passed: number;
  accepted: string[];
  firstMismatch: Mismatch | undefined;
  mismatches: Mismatch[];
}

async function replaySession(fileName: string, session: Session, server: RunningServer, differences: readonly DeliberateDifference[], tally: Tally) {
  const mapper = new IdMapper({ tmp: server.tmp, cwd: server.cwd, artifactRoot: session.meta.root_artifact_uri });
  // Both servers start with the Default experiment 0: bound up front, so a run wrongly placed in
  // another experiment cannot be learned as "the same place".
  mapper.bind('experiment', '0', '0');
  const clientTimes = new Set<number>([0]);
  const interchangeable = new InterchangeableRuns();
  const credentials = new Credentials(server.auth, SENDERS[fileName]);
  const agent = new http.Agent({ keepAlive: true });
  let lastAnswerAt = 0;
  try {
    for (const exchange of session.exchanges) {
      const request = rewriteRequest(exchange, mapper);
      mapper.noteRequest(requestText(exchange));
      collectClientTimes(exchange, clientTimes);
      await clockPast(lastAnswerAt);
      await writeClientFiles(exchange, request, mapper, server.baseUrl, agent);
      const answer = await send(server.baseUrl, agent, request, credentials.for(exchange));
      lastAnswerAt = Date.now();
      credentials.observe(exchange);
      const diff = judge(exchange, answer, { mapper, clientTimes, orderBy: orderByOf(exchange), interchangeable });
      if (!diff) {
        tally.passed++;
        continue;
      }
      const accepted = findDifference(differences, exchange, answer.status, answer.text);
      if (accepted) {
        tally.passed++;
        if (!tally.accepted.includes(accepted.id)) tally.accepted.push(accepted.id);
        continue;
      }
      const mismatch: Mismatch = {
        ...diff,
        line: exchange.line,
        method: exchange.method,
        path: exchange.path,
        request: requestSnippet(exchange),
        recordedStatus: exchange.status,
        ourStatus: answer.status,
      };
      tally.firstMismatch ??= mismatch;
      if (tally.mismatches.length < MAX_KEPT) tally.mismatches.push(mismatch);
    }
  } finally {
    agent.destroy();
  }
}

/**
 * MLflow's Python client took tens of milliseconds per call, so consecutive writes got distinct
 * timestamps; ours can answer within the same millisecond. Ties in generated times change the
 * default order of searches (and which rows fill a page), so each request starts in a later
 * millisecond than the previous answer, as in the recording.
 */
async function clockPast(t: number): Promise<void> {
  while (Date.now() <= t) await new Promise((resolve) => setTimeout(resolve, 1));
}

function requestSnippet(exchange: Exchange): string {
  const body = requestText(exchange).split('\n').slice(1).join('\n');
  return body.length > 300 ? `${body.slice(0, 300)}…` : body;
}

/** start_time / end_time / timestamp values the client sent: those must come back unchanged. */
function collectClientTimes(exchange: Exchange, into: Set<number>): void {
  const visit = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (isRawNumber(v)) visit(v.text, key);
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) visit(x, k);
    else if ((key === 'start_time' || key === 'end_time' || key === 'timestamp') && v !== null && /^\d+$/.test(String(v))) into.add(Number(v));
  };
  visit(exchange.req.json);
  visit(queryParams(exchange.path));
}

function orderByOf(exchange: Exchange): string[] | undefined {
  const body = exchange.req.json as Record<string, unknown> | undefined;
  const raw = body?.order_by ?? queryParams(exchange.path).order_by;
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string');
  return list.length > 0 ? list : undefined;
}

function queryParams(path: string): Record<string, string | string[]> {
  const q = path.indexOf('?');
  const out: Record<string, string | string[]> = {};
  if (q < 0) return out;
  for (const pair of path.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    try {
      const key = decodeURIComponent(pair.slice(0, eq)).replace(/\[\d*\]$/, '');
      const value = decodeURIComponent(pair.slice(eq + 1).replaceAll('+', ' '));
      const prev = out[key];
      out[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    } catch {
      // a malformed escape: the server under test decides what it means
    }
  }
  return out;
}

/**
 * The corpus does not record credentials. Under basic-auth we rebuild what MLflow's auth tests
 * sent: nothing where the reference answered 401; in test_auth.py, the senders its `with
 * User(...)` blocks name (SENDERS, read off the test code: from the n-th exchange of the file on,
 * the k-th user it created, or the admin); elsewhere the most recently created user where the
 * reference answered 403 and the default admin (`admin` / `password`) otherwise.
 */
const SENDERS: Readonly<Record<string, ReadonlyArray<readonly [fromExchange: number, sender: 'admin' | number]>>> = {
  // user1 creates 10 experiments (and grants user2), both search un-paged, then paged
  server_auth_test_auth__test_search_experiments: [[1, 'admin'], [3, 1], [24, 2], [25, 1], [28, 2]],
  server_auth_test_auth__test_search_registered_models: [[1, 'admin'], [3, 1], [24, 2], [25, 1], [28, 2]],
  // user1 creates, reads the permission of, re-creates and deletes its model; the admin checks the grant is gone
  server_auth_test_auth__test_create_and_delete_registered_model: [[1, 'admin'], [2, 1], [6, 'admin'], [7, 1]],
  // MLflow 3.x: user1 creates and edits a logged model, user2 (READ by default) reads and is refused writes
  server_auth_test_auth__test_logged_model: [[1, 'admin'], [3, 1], [10, 2]],
  // MLflow 3.x: user1 creates 10 experiments with a model each (granting user2 READ on 6), both search, then paged
  server_auth_test_auth__test_search_logged_models: [[1, 'admin'], [3, 1], [37, 2]],
};

class Credentials {
  private readonly users: string[] = [];
  private exchanges = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly senders: ReadonlyArray<readonly [number, 'admin' | number]> | undefined,
  ) {}

  for(exchange: Exchange): string | undefined {
    this.exchanges++;
    if (!this.enabled || exchange.status === 401) return undefined;
    if (this.senders) {
      const sender = [...this.senders].reverse().find(([from]) => this.exchanges >= from)?.[1] ?? 'admin';
      return sender === 'admin' ? basicAuth('admin', 'password') : this.users[sender - 1];
    }
    if (exchange.status === 403 && this.users.length > 0) return this.users[this.users.length - 1];
    return basicAuth('admin', 'password');
  }

  observe(exchange: Exchange): void {
    const body = exchange.req.json as Record<string, unknown> | undefined;
    if (this.enabled && exchange.path.startsWith('/api/2.0/mlflow/users/create') && exchange.status === 200 && body) {
      this.users.push(basicAuth(String(body.username), String(body.password)));
    }
  }
}
