import { describe, expect, it } from 'vitest';
import { alignSeries, bucketMinMax, bucketsToSeries, smooth, toSeries } from '../src/lib/series.js';

describe('chart series', () => {
  it('orders points by step or time', () => {
    const s = toSeries([{ step: 2, timestamp: 3000, value: 3 }, { step: 1, timestamp: 1000, value: 1 }], 'step');
    expect([...s.x]).toEqual([1, 2]);
    expect([...toSeries([{ step: 5, timestamp: 3000, value: 3 }, { step: 9, timestamp: 1000, value: 1 }], 'relative').x]).toEqual([0, 2]);
  });

  it('smooths with debiasing, passing non-finite values through', () => {
    const out = smooth(Float64Array.from([1, 1, NaN, 1]), 0.9);
    expect(out[0]).toBeCloseTo(1);
    expect(out[1]).toBeCloseTo(1);
    expect(Number.isNaN(out[2])).toBe(true);
    expect(out[3]).toBeCloseTo(1);
    expect(smooth(Float64Array.from([1, 5]), 0)[1]).toBe(5);
  });

  it('bucketing keeps a single spike among a million points', () => {
    const n = 1_000_000;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.sin(i / 1000);
    }
    y[654_321] = 50;
    const out = bucketMinMax({ x, y }, 500);
    expect(out.x.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...out.y)).toBe(50);
  });

  it('turns server buckets into first/min/max/last points in x order', () => {
    const s = bucketsToSeries([{ start_step: 0, end_step: 9, start_timestamp: 0, end_timestamp: 9, count: 10, min: -1, max: 7, first: 0, last: 1 }], 'step', 0);
    expect([...s.x]).toEqual([0, 3, 6, 9]);
    expect([...s.y]).toEqual([0, -1, 7, 1]);
    const single = bucketsToSeries([{ start_step: 4, end_step: 4, start_timestamp: 0, end_timestamp: 0, count: 3, min: 0, max: 9, first: 1, last: 1 }], 'step', 0);
    expect([...single.y]).toEqual([9]);
  });

  it('aligns series with different x values, with nulls for the gaps', () => {
    const [x, a, b] = alignSeries([{ x: Float64Array.from([1, 2]), y: Float64Array.from([10, 20]) }, { x: Float64Array.from([2, 3]), y: Float64Array.from([5, NaN]) }]);
    expect([...x]).toEqual([1, 2, 3]);
    expect(a).toEqual([10, 20, null]);
    expect(b).toEqual([null, 5, null]);
  });
});
