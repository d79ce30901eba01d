/**
 * The replay harness must neither hide differences nor invent them: these cases pin down what the
 * id mapper, the normaliser, the tie-aware ordering and the difference matcher accept.
 */
import { describe, expect, it } from 'vitest';
import { judge } from './compare.js';
import type { Difference } from './compare.js';
import { corpusDirectory } from './corpus.js';
import type { Exchange } from './corpus.js';
import { endpointMatches, findDifference, requestText } from './differences.js';
import type { DeliberateDifference } from './differences.js';
import { IdMapper, learnIds } from './idMapper.js';
import { InterchangeableRuns } from './interchangeableRuns.js';
import { parseKeepingNumbers, serialise } from './jsonText.js';
import { backendUri } from './launch.js';
import { TIME_MASK, normalisePair } from './normalise.js';
import { alignResultOrder } from './ordering.js';
import { rewriteRequest } from './requestRewrite.js';

const REC_RUN = 'a'.repeat(32);
const OUR_RUN = 'b'.repeat(32);
const places = { tmp: '/t/x/tmp', cwd: '/t/x/cwd', artifactRoot: 'file://{TMP}/artifacts' };

function mapper(): IdMapper {
  const m = new IdMapper(places);
  m.bind('run', REC_RUN, OUR_RUN);
  m.bind('experiment', '1', '7');
  return m;
}

function exchange(partial: Partial<Exchange>): Exchange {
  return {
    line: 1,
    method: 'POST',
    path: '/api/2.0/mlflow/runs/get',
    req_content_type: 'application/json',
    req: {},
    status: 200,
    res_content_type: 'application/json',
    res: { json: {} },
    ...partial,
  };
}

const ctx = (m: IdMapper, clientTimes: number[] = [0]) => ({ mapper: m, clientTimes: new Set(clientTimes), orderBy: undefined });

describe('request rewriting', () => {
  it('substitutes ids in paths, query strings, JSON fields and inside strings', () => {
    const body = parseKeepingNumbers(
      `{"experiment_id": 1, "experiment_ids": ["1"], "run_id": "${REC_RUN}", "source": "file://{TMP}/artifacts/1/${REC_RUN}/artifacts/model", "value": 9.0}`,
    );
    const out = rewriteRequest(exchange({ path: `/api/2.0/mlflow/runs/get?run_id=${REC_RUN}&experiment_id=1&bad`, req: { json: body } }), mapper());
    expect(out.path).toBe(`/api/2.0/mlflow/runs/get?run_id=${OUR_RUN}&experiment_id=7&bad`);
    expect(out.body?.toString()).toBe(
      `{"experiment_id": 7, "experiment_ids": ["7"], "run_id": "${OUR_RUN}", "source": "file:///t/x/tmp/artifacts/7/${OUR_RUN}/artifacts/model", "value": 9.0}`,
    );
  });

  it('keeps numbers and bare NaN exactly as recorded', () => {
    expect(serialise(parseKeepingNumbers('{"a": 9.0, "b": NaN, "c": [-Infinity, 1e3]}'))).toBe('{"a": 9.0, "b": NaN, "c": [-Infinity, 1e3]}');
  });

  it('finds no corpus next to a checkout that has none (the replay then skips)', () => {
    expect(corpusDirectory('/nonexistent/checkout')).toBeUndefined();
  });

  it('rebuilds the recorded SQLite URI around our temporary folder', () => {
    expect(backendUri('sqlite:////{TMP}/sqlalchemy.db', '/t/x/tmp', '/t/x/cwd')).toBe('sqlite:////t/x/tmp/sqlalchemy.db');
  });
});

describe('normalisation', () => {
  it('maps our ids back, masks generated times, keeps client times and ignores tag order', () => {
    const m = mapper();
    const recorded = {
      run: {
        info: { run_id: REC_RUN, experiment_id: '1', start_time: 456, end_time: 1795666657489, artifact_uri: `file://{TMP}/artifacts/1/${REC_RUN}/artifacts` },
        data: { tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] },
      },
    };
    const ours = {
      run: {
        info: { run_id: OUR_RUN, experiment_id: '7', start_time: 456, end_time: 1900000000000, artifact_uri: `file:///t/x/tmp/artifacts/7/${OUR_RUN}/artifacts` },
        data: { tags: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }] },
      },
    };
    const pair = normalisePair(recorded, ours, ctx(m, [0, 456]));
    expect(pair.ours).toEqual(pair.recorded);
    expect((pair.ours as typeof recorded).run.info.end_time).toBe(TIME_MASK);
  });

  it('reports a client-set time that came back different', () => {
    const pair = normalisePair({ start_time: 456 }, { start_time: 457 }, ctx(mapper(), [0, 456]));
    expect(pair.ours).not.toEqual(pair.recorded);
  });

  it('compares error messages without the database driver text, ours must start with MLflow\'s part', () => {
    const recorded = {
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: "Experiment(name=x) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed\n[SQL: INSERT ...]",
    };
    const same = normalisePair(recorded, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment(name=x) already exists. Error: UNIQUE' }, ctx(mapper()));
    expect(same.ours).toEqual(same.recorded);
    const other = normalisePair(recorded, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment x exists' }, ctx(mapper()));
    expect(other.ours).not.toEqual(other.recorded);
  });

  it('learns ids only where both servers answered at the same place', () => {
    const m = new IdMapper(places);
    learnIds({ run: { info: { run_id: REC_RUN } }, tags: [{ value: 'c'.repeat(32) }] }, { run: { info: { run_id: OUR_RUN } }, tags: [{ value: 'd'.repeat(32) }] }, m);
    expect(m.toOurs('run', REC_RUN)).toBe(OUR_RUN);
    expect(m.toOurs('run', 'c'.repeat(32))).toBe('c'.repeat(32));
  });

  it('maps a generated run name but not one the client chose', () => {
    const m = new IdMapper(places);
    m.noteRequest('{"run_name": "brave-fox-1"}');
    learnIds({ run_name: 'brave-fox-1' }, { run_name: 'calm-owl-2' }, m);
    learnIds({ run_name: 'happy-cat-3' }, { run_name: 'quiet-dog-4' }, m);
    expect(m.toOurs('runName', 'brave-fox-1')).toBe('brave-fox-1');
    expect(m.stringToOurs("attributes.run_name = 'happy-cat-3'")).toBe("attributes.run_name = 'quiet-dog-4'");
  });
});

describe('search result order', () => {
  const mv = (name: string, version: string, t: number) => ({ name, version, last_updated_timestamp: t });

  it('accepts an inversion explained by generated timestamps', () => {
    const recorded = { model_versions: [mv('b', '1', 20), mv('a', '1', 10)] };
    const ours = { model_versions: [mv('a', '1', 5), mv('b', '1', 5)] };
    expect(alignResultOrder(recorded, ours, undefined)).toEqual({ model_versions: [mv('b', '1', 5), mv('a', '1', 5)] });
  });

  it('keeps a real inversion so it is reported', () => {
    const recorded = { registered_models: [{ name: 'a' }, { name: 'b' }] };
    const ours = { registered_models: [{ name: 'b' }, { name: 'a' }] };
    expect(alignResultOrder(recorded, ours, ['name ASC'])).toEqual(ours);
  });
});

describe('judging and deliberate differences', () => {
  it('compares Flask HTML pages on status only', () => {
    const html = exchange({ status: 404, res_content_type: 'text/html; charset=utf-8', res: { text: '<!doctype html>' } });
    expect(judge(html, { status: 404, contentType: 'application/json', text: '{"error_code":"ENDPOINT_NOT_FOUND"}' }, ctx(mapper()))).toBeUndefined();
    expect(judge(html, { status: 405, contentType: 'application/json', text: '{}' }, ctx(mapper()))?.where).toBe('status');
  });

  it('matches endpoints under both API families and pins entries to our message', () => {
    expect(endpointMatches('POST /mlflow/runs/log-batch', 'POST', '/ajax-api/2.0/mlflow/runs/log-batch')).toBe(true);
    expect(endpointMatches('* /mlflow/*/search', 'GET', '/api/2.0/mlflow/model-versions/search?x=1')).toBe(true);
    expect(endpointMatches('GET /mlflow/runs/get', 'POST', '/api/2.0/mlflow/runs/get')).toBe(false);
    const entries: DeliberateDifference[] = [
      { id: 'q', endpoint: 'GET *', input: 'i', mlflow: 'm', ours: 'o', why: 'w', match: { status_mlflow: 500, status_ours: 400, ours_contains: 'Malformed query' } },
      { id: 'n', endpoint: '* *', input: 'i', mlflow: 'm', ours: 'o', why: 'w', match: null },
    ];
    const get = exchange({ method: 'GET', status: 500 });
    expect(findDifference(entries, get, 400, '{"message":"Malformed query string element"}')?.id).toBe('q');
    expect(findDifference(entries, get, 400, '{"message":"something else"}')).toBeUndefined();
  });
});

/**
 * A replay without a server: each step is judged as replay.ts does (request noted, then judged
 * with the session's id mapper and interchangeable-run tracker). Recorded run `i` has id rec(i)
 * and name rec-run-i; ours are our(i) / our-run-i. `create(i, j)` pairs recorded run i with our
 * run j; `search([...], [...])` answers with those runs, recorded and ours, in the given order.
 */
describe('interchangeable runs (created alike, paged by random run ids)', () => {
  const rec = (i: number) => `${'c'.repeat(31)}${i.toString(16)}`;
  const our = (i: number) => `${'d'.repeat(31)}${i.toString(16)}`;
  type Info = Record<string, unknown>;

  function run(side: 'rec' | 'ours', i: number, info: Info): { info: Info; data: unknown } {
    const id = side === 'rec' ? rec(i) : our(i);
    const name = `${side === 'rec' ? 'rec' : 'our'}-run-${i}`;
    const root = side === 'rec' ? 'file://{TMP}' : `file://${places.tmp}`;
    const experiment = typeof info.experiment_id === 'string' ? info.experiment_id : '1';
    return {
      info: {
        run_uuid: id,
        experiment_id: experiment,
        run_name: name,
        user_id: 'unknown',
        status: 'RUNNING',
        start_time: 1,
        artifact_uri: `${root}/${experiment}/${id}/artifacts`,
        lifecycle_stage: 'active',
        run_id: id,
        ...info,
      },
      data: { tags: [{ key: 'mlflow.runName', value: name }] },
    };
  }

  class Replay {
    readonly mapper = new IdMapper(places);
    readonly runs = new InterchangeableRuns();
    private readonly recorded = new Map<number, unknown>();
    private readonly ours = new Map<number, unknown>();

    constructor() {
      this.mapper.bind('experiment', '0', '0');
      this.mapper.bind('experiment', '1', '1');
      this.mapper.bind('experiment', '2', '2');
    }

    step(path: string, body: unknown, recorded: unknown, ours: unknown): Difference | undefined {
      const ex = exchange({ path, req: { json: parseKeepingNumbers(JSON.stringify(body)) }, res: { json: recorded } });
      this.mapper.noteRequest(requestText(ex));
      const orderBy = (body as { order_by?: string[] }).order_by;
      const answer = { status: 200, contentType: 'application/json', text: JSON.stringify(ours) };
      return judge(ex, answer, { mapper: this.mapper, clientTimes: new Set([0, 1, 2]), orderBy, interchangeable: this.runs });
    }

    /** The request sends start_time 1 unless `sent` says otherwise (undefined: none). */
    create(i: number, j: number, opts: { experiment?: string; sent?: number | undefined; recInfo?: Info; ourInfo?: Info } = {}) {
      const experiment = opts.experiment ?? '1';
      const sent = 'sent' in opts ? opts.sent : 1;
      const body = { experiment_id: experiment, user_id: 'unknown', ...(sent === undefined ? {} : { start_time: sent }) };
      const recorded = run('rec', i, { experiment_id: experiment, ...(sent === undefined ? {} : { start_time: sent }), ...opts.recInfo });
      const ours = run('ours', j, { experiment_id: experiment, ...(sent === undefined ? {} : { start_time: sent }), ...opts.ourInfo });
      this.recorded.set(i, recorded);
      this.ours.set(j, ours);
      return this.step('/api/2.0/mlflow/runs/create', body, { run: recorded }, { run: ours });
    }

    search(recorded: number[], ours: number[], request: Record<string, unknown> = {}): Difference | undefined {
      const body = { experiment_ids: ['1'], run_view_type: 'ACTIVE_ONLY', filter: '', max_results: 3, ...request };
      const page = (runs: Map<number, unknown>, ids: number[]) => ({ runs: ids.map((i) => runs.get(i)) });
      return this.step('/api/2.0/mlflow/runs/search', body, page(this.recorded, recorded), page(this.ours, ours));
    }
  }

  /** Six runs created alike; our run j = 5 - i, so our id order is the reverse of the recorded. */
  function sixAlike(): Replay {
    const replay = new Replay();
    for (let i = 0; i < 6; i++) expect(replay.create(i, 5 - i)).toBeUndefined();
    return replay;
  }

  it('re-pairs runs created alike when pages cut them by random ids, and keeps the new pairing', () => {
    const replay = sixAlike();
    expect(replay.runs.classes()).toEqual([[0, 1, 2, 3, 4, 5].map(rec)]);
    expect(replay.search([0, 1, 2], [0, 1, 2])).toBeUndefined();
    expect(replay.search([3, 4, 5], [3, 4, 5])).toBeUndefined();
    // later requests about recorded run 0 go to the run our server showed in its place, by id and by name
    expect(replay.mapper.toOurs('run', rec(0))).toBe(our(0));
    expect(replay.mapper.stringToOurs("attributes.run_name = 'rec-run-0'")).toBe("attributes.run_name = 'our-run-0'");
    expect(replay.runs.classes()).toEqual([]);
  });

  it('still reports a page with the wrong number of runs, and leaves the pairing as it was', () => {
    const replay = sixAlike();
    expect(replay.search([0, 1, 2], [0, 1])?.where).toBe('$.runs.length');
    expect(replay.mapper.toOurs('run', rec(0))).toBe(our(5));
  });

  it('still reports a run from another experiment', () => {
    const replay = new Replay();
    for (let i = 0; i < 3; i++) replay.create(i, 2 - i);
    expect(replay.create(3, 3, { experiment: '2' })).toBeUndefined();
    // our page holds the experiment-2 run where the recording has an experiment-1 run
    expect(replay.search([0, 1, 2], [3, 0, 1])).toBeDefined();
  });

  it('still reports a deleted run, even one whose fields look active', () => {
    const replay = sixAlike();
    expect(replay.step('/api/2.0/mlflow/runs/delete', { run_id: rec(4) }, {}, {})).toBeUndefined();
    // our run 1 is recorded run 4, deleted: MLflow does not list it, our server (wrongly) does
    expect(replay.search([0, 1, 2], [0, 1, 2])).toBeDefined();
    expect(replay.runs.classes().flat()).not.toContain(rec(4));
  });

  it('keeps the pairing of a run a later request named', () => {
    const replay = sixAlike();
    replay.step('/api/2.0/mlflow/runs/set-tag', { run_id: rec(5), key: 'k', value: 'v' }, {}, {});
    expect(replay.search([0, 1, 2], [0, 1, 2])).toBeDefined();
  });

  it('still reports a wrong order by a key the client set', () => {
    const replay = new Replay();
    replay.create(0, 0, { sent: 2 });
    replay.create(1, 1, { sent: 2 });
    replay.create(2, 2, { sent: 1 });
    replay.create(3, 3, { sent: 1 });
    // start_time DESC: MLflow lists the two runs started at 2 first; ours lists those started at 1
    expect(replay.search([0, 1], [2, 3], { max_results: 2 })).toBeDefined();
  });

  it('still reports a wrong order by a time the server generated (such runs are not alike)', () => {
    const replay = new Replay();
    replay.create(0, 0, { sent: undefined, recInfo: { start_time: 1000 }, ourInfo: { start_time: 5000 } });
    replay.create(1, 1, { sent: undefined, recInfo: { start_time: 2000 }, ourInfo: { start_time: 6000 } });
    expect(replay.runs.classes()).toEqual([]);
    // the newest run comes first in MLflow; ours shows the oldest (times are masked in the comparison)
    expect(replay.search([1], [0], { max_results: 1 })).toBeDefined();
  });

  it('still reports a wrong order when the search sorts or filters by the random values themselves', () => {
    const replay = sixAlike();
    // Sorted by run name, the order is behaviour, so no re-pairing may line these pages up; our
    // runs 0..2 are recorded runs 5..3, and the recorded page starts with run 0.
    expect(replay.search([0, 1, 2], [0, 1, 2], { order_by: ['attributes.run_name ASC'] })).toBeDefined();
    expect(replay.search([0, 1, 2], [0, 1, 2], { filter: "attributes.run_id != 'x'" })).toBeDefined();
    expect(replay.mapper.toOurs('run', rec(0))).toBe(our(5));
  });

  it('still reports a run shown on two pages', () => {
    const replay = sixAlike();
    expect(replay.search([0, 1, 2], [0, 1, 2])).toBeUndefined();
    // our second page repeats our run 2, already shown (and paired) on the first page
    expect(replay.search([3, 4, 5], [2, 4, 5])).toBeDefined();
    expect(replay.mapper.toOurs('run', rec(2))).toBe(our(2));
  });

  it('still reports a run shown twice on one page', () => {
    const replay = sixAlike();
    expect(replay.search([0, 1, 2], [0, 0, 2])).toBeDefined();
    expect(replay.mapper.toOurs('run', rec(0))).toBe(our(5));
  });
});
