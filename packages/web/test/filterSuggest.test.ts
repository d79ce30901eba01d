import { describe, expect, it } from 'vitest';
import { applySuggestion, suggest } from '../src/lib/filterSuggest.js';

const keys = { metrics: ['rmse', 'val loss', 'r2'], params: ['lr', 'model'], tags: ['owner'] };

describe('filter box completion', () => {
  it('completes an entity prefix', () => {
    const ctx = suggest('met', 3, keys);
    expect(ctx?.suggestions.map((s) => s.label)).toEqual(['metrics.']);
  });

  it('completes metric keys, prefix matches first, and backquotes keys that need it', () => {
    const ctx = suggest('metrics.r', 9, keys);
    expect(ctx?.suggestions.map((s) => s.label)).toEqual(['metrics.r2', 'metrics.rmse']);
    const loss = suggest('metrics.lo', 10, keys);
    expect(loss?.suggestions[0]?.insert).toBe('metrics.`val loss`');
  });

  it('completes the word under the cursor inside a longer filter and replaces only it', () => {
    const text = "params.model = 'x' and params.l";
    const ctx = suggest(text, text.length, keys);
    // keys starting with the typed part come first, then keys containing it
    expect(ctx?.suggestions.map((s) => s.label)).toEqual(['params.lr', 'params.model']);
    const out = applySuggestion(text, ctx!, ctx!.suggestions[0]!);
    expect(out.text).toBe("params.model = 'x' and params.lr");
    expect(out.cursor).toBe(out.text.length);
  });

  it('knows aliases and attributes, and offers nothing for unknown entities or complete keys', () => {
    expect(suggest('tags.ow', 7, keys)?.suggestions[0]?.label).toBe('tags.owner');
    expect(suggest('attributes.st', 13, keys)?.suggestions.map((s) => s.label)).toEqual(['attributes.start_time', 'attributes.status', 'attributes.lifecycle_stage']);
    expect(suggest('foo.r', 5, keys)).toBeUndefined();
    expect(suggest('params.lr', 9, keys)).toBeUndefined();
    expect(suggest('', 0, keys)).toBeUndefined();
  });
});
