import { describe, expect, it } from 'vitest';
import { parseQueryString } from '../../src/http/queryString.js';

describe('query strings as MLflow parses them', () => {
  it('turns repeated keys and indexed keys into arrays', () => {
    expect(parseQueryString('a=1&a=2&b=x')).toEqual({ a: ['1', '2'], b: 'x' });
    expect(parseQueryString('ids%5B%5D=3')).toEqual({ ids: ['3'] });
    expect(parseQueryString('ids[1]=b&ids[0]=a')).toEqual({ ids: ['a', 'b'] });
  });

  it('decodes percent escapes and plus signs', () => {
    expect(parseQueryString('filter=tags.x+%3D+%27a%27&t=eyJvZmZzZXQiOiAxfQ%3D%3D')).toEqual({
      filter: "tags.x = 'a'",
      t: 'eyJvZmZzZXQiOiAxfQ==',
    });
  });

  it('rejects a raw = inside a value with a 400 error', () => {
    expect(() => parseQueryString('page_token=abc==')).toThrow(/Malformed query string/);
    expect(() => parseQueryString('novalue')).toThrow(/Malformed query string/);
  });

  it('rejects keys nested deeper than 100 levels with a 400 error', () => {
    expect(parseQueryString(`a${'[x]'.repeat(99)}=1`)).toBeTypeOf('object');
    for (const nesting of ['[x]', '[]', '[0]']) {
      expect(() => parseQueryString(`a${nesting.repeat(3000)}=1`)).toThrow("Malformed query string key 'a[...]': nested deeper than 100 levels.");
    }
  });
});
