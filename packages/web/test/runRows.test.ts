import type { Run } from '@darwin-mlflow/contract';
import { describe, expect, it } from 'vitest';
import { PARENT_TAG, buildTree, visibleRows } from '../src/lib/runRows.js';

function run(id: string, parent?: string): Run {
  return {
    info: { run_id: id, run_uuid: id, experiment_id: '1', run_name: id, status: 'FINISHED', start_time: 0, lifecycle_stage: 'active', user_id: 'u', artifact_uri: '' },
    data: { metrics: [], params: [], tags: parent ? [{ key: PARENT_TAG, value: parent }] : [] },
  } as unknown as Run;
}

describe('runs as table rows', () => {
  // the server's order: a child may come before its parent, a grandchild under a child
  const runs = [run('c1', 'p'), run('p'), run('g', 'c1'), run('q'), run('c2', 'p'), run('orphan', 'missing')];
  const tree = buildTree(runs);
  const shown = (expanded: string[]) => visibleRows(tree, new Set(expanded)).map((r) => `${'  '.repeat(r.depth)}${r.id}`);

  it('shows the top-level runs in the server order while nothing is expanded', () => {
    expect(shown([])).toEqual(['p', 'q', 'orphan']);
  });

  it('shows the children of expanded runs under them, depth first, in the server order', () => {
    expect(shown(['p'])).toEqual(['p', '  c1', '  c2', 'q', 'orphan']);
    expect(shown(['p', 'c1'])).toEqual(['p', '  c1', '    g', '  c2', 'q', 'orphan']);
    // a child expanded under a collapsed parent stays hidden
    expect(shown(['c1'])).toEqual(['p', 'q', 'orphan']);
  });

  it('keeps runs whose parent tags form a cycle at the top level', () => {
    const cycle = buildTree([run('a', 'b'), run('b', 'a')]);
    expect(visibleRows(cycle, new Set(['a', 'b'])).map((r) => [r.id, r.depth])).toEqual([['a', 0], ['b', 0]]);
  });
});
