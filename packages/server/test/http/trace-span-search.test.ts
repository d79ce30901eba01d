/**
 * MLflow 3.x's span and assessment filters in trace search, over HTTP on every database: spans
 * sent over OTLP (`POST /v1/traces`, OTLP/JSON) land in the `spans` table and are matched by
 * `span.name` / `span.type` / `span.status` (=, !=, IN, NOT IN, LIKE, ILIKE, RLIKE),
 * `span.attributes.<key>` (LIKE, ILIKE, RLIKE inside the span's JSON, as MLflow does) and
 * `trace.text`; assessments by `feedback.<name>` / `expectation.<name>` on their JSON values;
 * RLIKE on tags and attributes; the same filters in calculate-filter-correlation. A trace whose
 * spans are in no table (StartTraceV3, no traces.json uploaded: trace-data-spans.test.ts has the
 * uploads) matches no span filter. Bad filters answer 400
 * and the server goes on answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { call, startTestApp } from '../support/app.js';
import type { TestServer } from '../support/app.js';

const V2 = '/api/2.0/mlflow';
const V3 = '/api/3.0/mlflow';

interface SpanSpec {
  spanId: string;
  parentSpanId?: string;
  name: string;
  type: string;
  error?: boolean;
  startNs: bigint;
  attributes?: Record<string, string>;
}

for (const dialect of testDialects()) {
  describe(`span and assessment filters in trace search on ${dialect.dialect}`, () => {
    let server: TestServer;
    let exp: string;
    // T1: an agent calling an LLM that failed; T2: a retriever; T3: started, no spans in the table
    const T1 = `tr-${'c1'.repeat(16)}`;
    const T2 = `tr-${'c2'.repeat(16)}`;
    const T3 = `tr-${'c3'.repeat(16)}`;

    const exportSpans = async (traceHex: string, spans: SpanSpec[]) => {
      const body = {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: spans.map((s) => ({
                  traceId: traceHex,
                  spanId: s.spanId,
                  ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                  name: s.name,
                  startTimeUnixNano: String(s.startNs),
                  endTimeUnixNano: String(s.startNs + 1_000_000n),
                  attributes: Object.entries({ 'mlflow.spanType': s.type, ...s.attributes }).map(([key, v]) => ({ key, value: { stringValue: v } })),
                  status: { code: s.error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK' },
                })),
              },
            ],
          },
        ],
      };
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/traces',
        payload: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': exp },
      });
      expect(res.statusCode, res.body).toBe(200);
    };

    const assess = async (traceId: string, assessment: Record<string, unknown>) => {
      const res = await call(server.app, 'POST', `${V3}/traces/${traceId}/assessments`, { assessment: { source: { source_type: 'HUMAN', source_id: 'me' }, ...assessment } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };

    const search = (filter: string, extra: Record<string, unknown> = {}) =>
      call(server.app, 'POST', `${V3}/traces/search`, { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } }], filter, ...extra });

    const find = async (filter: string): Promise<string[]> => {
      const res = await search(filter);
      expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
      return ((res.body.traces ?? []) as { trace_id: string }[]).map((t) => t.trace_id);
    };

    beforeAll(async () => {
      server = await startTestApp(dialect, 'span_search');
      exp = (await call(server.app, 'POST', `${V2}/experiments/create`, { name: 'span-search' })).body.experiment_id;
      await exportSpans('c1'.repeat(16), [
        { spanId: '1a'.repeat(8), name: 'agent', type: 'CHAIN', startNs: 1_700_000_000_000_000_000n, attributes: { 'mlflow.spanInputs': '{"question": "Hello World"}' } },
        { spanId: '1b'.repeat(8), parentSpanId: '1a'.repeat(8), name: 'llm-call', type: 'LLM', error: true, startNs: 1_700_000_000_100_000_000n, attributes: { model: 'gpt-4o' } },
      ]);
      await exportSpans('c2'.repeat(16), [{ spanId: '2a'.repeat(8), name: 'retriever', type: 'RETRIEVER', startNs: 1_700_000_001_000_000_000n, attributes: { model: 'claude' } }]);
      const started = await call(server.app, 'POST', `${V3}/traces`, {
        trace: {
          trace_info: {
            trace_id: T3,
            trace_location: { mlflow_experiment: { experiment_id: exp } },
            request_time: '2023-11-14T22:13:22Z',
            state: 'ERROR',
            tags: { kind: 'artifact-spans', 'mlflow.traceName': 'llm-call' },
          },
        },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      expect(started.body.trace.trace_info.tags['mlflow.trace.spansLocation']).toBeUndefined();
      await call(server.app, 'PATCH', `${V3}/traces/${T1}/tags`, { key: 'kind', value: 'agent-run' });
      await call(server.app, 'PATCH', `${V3}/traces/${T2}/tags`, { key: 'kind', value: 'Retrieval' });
      await assess(T1, { assessment_name: 'quality', feedback: { value: 1 } });
      await assess(T2, { assessment_name: 'quality', feedback: { value: 0 } });
      await assess(T2, { assessment_name: 'answer', expectation: { value: 'yes' } });
      await assess(T3, { assessment_name: 'quality', feedback: { value: 1 } });
      // newest first: T3 (2023-11-14T22:13:22Z), T2, T1
      expect(await find('')).toEqual([T3, T2, T1]);
    });
    afterAll(async () => server?.close());

    it('matches span names, types and statuses with every comparator', async () => {
      expect(await find("span.name = 'llm-call'")).toEqual([T1]);
      expect(await find("span.name != 'agent'")).toEqual([T2, T1]);
      expect(await find("span.type IN ('LLM', 'RETRIEVER')")).toEqual([T2, T1]);
      expect(await find("span.type NOT IN ('CHAIN', 'LLM')")).toEqual([T2]);
      expect(await find("span.status = 'ERROR'")).toEqual([T1]);
      expect(await find("span.status = 'OK'")).toEqual([T2, T1]);
      expect(await find("span.name LIKE 'llm%'")).toEqual([T1]);
      // case-sensitive LIKE, case-insensitive ILIKE, as on every other field
      expect(await find("span.name LIKE 'LLM%'")).toEqual([]);
      expect(await find("span.name ILIKE 'LLM%'")).toEqual([T1]);
      expect(await find("span.name RLIKE '^ret.*er$'")).toEqual([T2]);
      expect(await find("span.name RLIKE '^(agent|retriever)$'")).toEqual([T2, T1]);
      expect(await find("span.name RLIKE 'LLM'")).toEqual([]);
      // each clause may match a different span of the trace, as MLflow's one subquery per clause
      expect(await find("span.type = 'CHAIN' AND span.status = 'ERROR'")).toEqual([T1]);
      expect(await find("span.type = 'RETRIEVER' AND span.status = 'ERROR'")).toEqual([]);
    });

    it("matches span attributes and text inside the span's JSON, as MLflow does", async () => {
      expect(await find("span.attributes.model LIKE '%gpt%'")).toEqual([T1]);
      expect(await find("span.attributes.model ILIKE '%GPT%'")).toEqual([T1]);
      expect(await find("span.attributes.model RLIKE '^claude$'")).toEqual([T2]);
      expect(await find("span.attributes.model RLIKE '^cla'")).toEqual([T2]);
      expect(await find("span.attributes.model RLIKE 'laude$'")).toEqual([T2]);
      expect(await find("span.attributes.model RLIKE '^laude$'")).toEqual([]);
      expect(await find("span.attributes.`mlflow.spanType` RLIKE '^LLM$'")).toEqual([T1]);
      expect(await find("span.attributes.mlflow.spanType RLIKE '^RETRIEVER$'")).toEqual([T2]);
      expect(await find("trace.text ILIKE '%hello world%'")).toEqual([T1]);
      expect(await find("text LIKE '%Hello World%'")).toEqual([T1]);
      expect(await find("text LIKE '%hello world%'")).toEqual([]);
      expect(await find("span.content LIKE '%claude%'")).toEqual([T2]);
    });

    it('matches feedback and expectations by name on their JSON values, beside other filters', async () => {
      expect(await find("feedback.quality = '1'")).toEqual([T3, T1]);
      expect(await find("feedback.quality != '1'")).toEqual([T2]);
      expect(await find("feedback.quality RLIKE '^[01]$'")).toEqual([T3, T2, T1]);
      expect(await find("expectation.answer = '\"yes\"'")).toEqual([T2]);
      expect(await find("expectation.answer LIKE '%yes%'")).toEqual([T2]);
      // a feedback is not an expectation, and names are exact
      expect(await find("expectation.quality = '1'")).toEqual([]);
      expect(await find("feedback.Quality = '1'")).toEqual([]);
      expect(await find("span.type = 'LLM' AND feedback.quality = '1'")).toEqual([T1]);
      expect(await find("span.type = 'RETRIEVER' AND feedback.quality = '1'")).toEqual([]);
    });

    it('leaves out traces without spans in the table', async () => {
      // T3 is named llm-call and failed, but has no rows in the spans table
      expect(await find("name = 'llm-call'")).toEqual([T3]);
      expect(await find("span.name = 'llm-call'")).toEqual([T1]);
      expect(await find("span.name != 'zzz'")).toEqual([T2, T1]);
      expect(await find("trace.text LIKE '%'")).toEqual([T2, T1]);
    });

    it('takes RLIKE on tags, metadata and string attributes', async () => {
      expect(await find("tag.kind RLIKE '^agent'")).toEqual([T1]);
      expect(await find("tag.kind RLIKE '^retrieval'")).toEqual([]);
      expect(await find("tag.kind RLIKE '^[Rr]etrieval$'")).toEqual([T2]);
      expect(await find("status RLIKE '^ERR'")).toEqual([T3]);
      expect(await find(`trace.request_id RLIKE '^tr-c[12]'`)).toEqual([T2, T1]);
      expect(await find("metadata.`mlflow.trace.tokenUsage` RLIKE 'x'")).toEqual([]);
    });

    it('counts span and assessment filters in calculate-filter-correlation', async () => {
      const res = await call(server.app, 'POST', `${V3}/traces/calculate-filter-correlation`, {
        experiment_ids: [exp],
        filter_string1: "span.status = 'OK'",
        filter_string2: "feedback.quality = '1'",
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ filter1_count: 2, filter2_count: 2, joint_count: 1, total_count: 3 });
    });

    it("answers MLflow's 400s for bad span and assessment filters, and a bad pattern", async () => {
      const bad = async (filter: string, message: string | RegExp) => {
        const res = await search(filter);
        expect(res.status, filter).toBe(400);
        if (typeof message === 'string') expect(res.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
        else expect(res.body.message, filter).toMatch(message);
      };
      await bad("span.bogus = 'a'", "Invalid span attribute 'bogus'. Supported attributes: name, status, type, attributes.<attribute_name>.");
      await bad("span.name = 5", "Expected a quoted string value for span (e.g. 'my-value'). Got value 5");
      await bad("span.name > 'a'", /^span\.name comparator '>' not one of '\{/);
      await bad("span.content = 'a'", "span.content comparator '=' not one of '{'LIKE', 'ILIKE'}'");
      await bad("trace.text = 'a'", "span.content comparator '=' not one of '{'LIKE', 'ILIKE'}'");
      await bad("span.attributes.model = 'gpt-4o'", /^span\.attributes\.model comparator '=' is not supported: .*use LIKE, ILIKE or RLIKE\.$/);
      await bad("span.type IN 'LLM'", /^Comparator 'IN' expects a list of quoted string values/);
      await bad("feedback.quality IN ('1')", "Expected a quoted string value for feedback (e.g. 'my-value'). Got value ('1')");
      await bad("feedback.quality > '1'", /^assessment\.quality comparator '>' not one of '\{/);
      await bad("expectation.answer = 1", "Expected a quoted string value for expectation (e.g. 'my-value'). Got value 1");
      const order = await search('', { order_by: ['span.name'] });
      expect(order.status).toBe(400);
      expect(order.body.message).toBe("Invalid identifier type 'span'");
      // a pattern the database cannot compile is the caller's error
      const pattern = await search("span.name RLIKE '(unclosed'");
      expect(pattern.status, JSON.stringify(pattern.body)).toBe(400);
      expect(pattern.body.error_code).toMatch(/^(INVALID_PARAMETER_VALUE|BAD_REQUEST)$/);
      expect(await find("span.name = 'agent'")).toEqual([T1]);
    });
  });
}
