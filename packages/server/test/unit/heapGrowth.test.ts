/**
 * The server bounds V8's old-generation growth (src/util/heapGrowth.ts) unless node was given
 * its own --heap-growing-percent, and the flag it sets is one V8 accepts at run time.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../../src/util/heapGrowth.js';

describe('heap growth', () => {
  it('sets --heap-growing-percent when node was given none', () => {
    expect(heapGrowthFlag([], undefined)).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--cpu-prof', '--cpu-prof-dir=/tmp/prof'], '--max-old-space-size=4096')).toBe('--heap-growing-percent=100');
  });

  it("leaves node's own setting alone, in its arguments or NODE_OPTIONS, in either spelling", () => {
    expect(heapGrowthFlag(['--heap-growing-percent=0'], undefined)).toBeUndefined();
    expect(heapGrowthFlag(['--heap_growing_percent=200'], undefined)).toBeUndefined();
    expect(heapGrowthFlag([], '--max-old-space-size=4096 --heap-growing-percent=20')).toBeUndefined();
  });

  it('names a flag this node accepts after start-up (V8 reports an unknown one on stderr)', () => {
    const set = (flag: string) => spawnSync(process.execPath, ['-e', `require('v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8' });
    expect(set('--heap-growing-percentage=50').stderr).toContain('unrecognized flag');
    const applied = set(heapGrowthFlag([], undefined) as string);
    expect(applied.status).toBe(0);
    expect(applied.stderr).toBe('');
  });
});
