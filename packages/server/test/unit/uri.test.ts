import { describe, expect, it } from 'vitest';
import { appendToUriPath, decodeToFixedPoint, pyUnquote, urlparse } from '../../src/artifacts/uri.js';

describe('URIs with Python semantics', () => {
  it("appends to the path component as MLflow's append_to_uri_path does", () => {
    expect(appendToUriPath('mlflow-artifacts:/', '1')).toBe('mlflow-artifacts:/1');
    expect(appendToUriPath('mlflow-artifacts:/1', 'abc', 'artifacts')).toBe('mlflow-artifacts:/1/abc/artifacts');
    expect(appendToUriPath('s3://bucket/prefix', '1')).toBe('s3://bucket/prefix/1');
    expect(appendToUriPath('s3://b/p?x=1', '1')).toBe('s3://b/p/1?x=1');
    expect(appendToUriPath('/srv/mlruns', '1')).toBe('/srv/mlruns/1');
    expect(appendToUriPath('file:///srv/mlruns', '1')).toBe('file:///srv/mlruns/1');
    expect(appendToUriPath('http://host:5000/api/2.0/mlflow-artifacts/artifacts', '3')).toBe('http://host:5000/api/2.0/mlflow-artifacts/artifacts/3');
  });

  it('splits like urlparse', () => {
    expect(urlparse('https://h:1/a;p?q=1#f')).toEqual({ scheme: 'https', netloc: 'h:1', path: '/a', params: 'p', query: 'q=1', fragment: 'f' });
    expect(urlparse('mlflow-artifacts:/1/x')).toMatchObject({ scheme: 'mlflow-artifacts', netloc: '', path: '/1/x' });
  });

  it('unquotes like Python: malformed escapes stay, valid runs around them still decode', () => {
    expect(pyUnquote('%zz%2e%2e')).toBe('%zz..');
    expect(pyUnquote('a+b%20c', true)).toBe('a b c');
    expect(pyUnquote('%E2%82%AC')).toBe('€');
  });

  it('decodes to a fixed point, refusing values that keep changing', () => {
    expect(decodeToFixedPoint('%252e%252e')).toBe('..');
    let nested = '..';
    for (let i = 0; i < 12; i++) nested = encodeURIComponent(nested).replace(/\./g, '%2E');
    expect(decodeToFixedPoint(nested)).toBeUndefined();
  });
});
