import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, composeFilter, orderByClause, parseRunsViewState, quoteKey, serializeRunsViewState } from '../src/lib/runsViewState.js';
import type { RunsViewState } from '../src/lib/runsViewState.js';

describe('runs table state <-> URL', () => {
  it('round-trips every field', () => {
    const state: RunsViewState = {
      filter: "params.model = 'tree'",
      sort: { kind: 'metrics', key: 'val loss', asc: true },
      columns: [{ kind: 'metrics', key: 'val loss' }, { kind: 'params', key: 'lr' }, { kind: 'tags', key: 'a:b' }],
      expanded: ['r1', 'r2'],
      viewType: 'ALL',
      status: 'RUNNING',
      createdWithin: '7d',
    };
    const params = serializeRunsViewState(state);
    expect(parseRunsViewState(new URLSearchParams(params.toString()))).toEqual(state);
  });

  it('leaves defaults out of the URL and reads an empty URL as the default view', () => {
    expect(serializeRunsViewState(DEFAULT_VIEW).toString()).toBe('');
    expect(parseRunsViewState(new URLSearchParams())).toEqual(DEFAULT_VIEW);
  });

  it('keeps an explicit empty column choice apart from "not chosen"', () => {
    const params = serializeRunsViewState({ ...DEFAULT_VIEW, columns: [] });
    expect(parseRunsViewState(params).columns).toEqual([]);
  });

  it('ignores unknown values instead of failing', () => {
    const s = parseRunsViewState(new URLSearchParams('lifecycle=BOGUS&status=nope&created=1y&sort=x:y&col=bad&col=metrics:'));
    expect(s.viewType).toBe('ACTIVE_ONLY');
    expect(s.status).toBe('');
    expect(s.createdWithin).toBe('');
    expect(s.sort).toEqual(DEFAULT_VIEW.sort);
    expect(s.columns).toEqual([]);
  });

  it('keeps other query parameters (e.g. experiments=[...])', () => {
    const into = new URLSearchParams('experiments=%5B%221%22%5D');
    serializeRunsViewState({ ...DEFAULT_VIEW, filter: 'x' }, into);
    expect(into.get('experiments')).toBe('["1"]');
  });

  it('builds MLflow order_by clauses and filters', () => {
    expect(orderByClause({ kind: 'metrics', key: 'val loss', asc: false })).toBe('metrics.`val loss` DESC');
    expect(orderByClause({ kind: 'attributes', key: 'start_time', asc: true })).toBe('attributes.start_time ASC');
    expect(quoteKey('a.b_c')).toBe('a.b_c');
    expect(quoteKey('a-b')).toBe('`a-b`');
    const now = 10 * 86_400_000;
    expect(composeFilter({ ...DEFAULT_VIEW, filter: ' metrics.a > 1 ', status: 'FAILED', createdWithin: '24h' }, now)).toBe(
      `metrics.a > 1 and attributes.status = 'FAILED' and attributes.start_time >= ${now - 86_400_000}`,
    );
    expect(composeFilter(DEFAULT_VIEW, now)).toBe('');
  });
});
