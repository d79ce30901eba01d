import { describe, expect, it } from 'vitest';
import { parseDelimited, parseSignature, previewKind } from '../src/lib/artifactKinds.js';
import { csvLine } from '../src/lib/csv.js';
import { jsonList, legacyRunsParams, runPageSplat } from '../src/lib/mlflowRoutes.js';

describe('artifact previews', () => {
  it('picks a preview by file name', () => {
    expect(previewKind('model/MLmodel')).toBe('mlmodel');
    expect(previewKind('a/b.PNG')).toBe('image');
    expect(previewKind('x.tsv')).toBe('table');
    expect(previewKind('r.html')).toBe('html');
    expect(previewKind('conda.yaml')).toBe('yaml');
    expect(previewKind('weights.bin')).toBe('none');
  });

  it("reads an MLmodel signature as MLflow writes it (JSON in single-quoted YAML, '' for ')", () => {
    const sig = parseSignature(
      "flavors: {}\nsignature:\n  inputs: '[{\"type\": \"string\", \"name\": \"it''s\"}]'\n  outputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 2]}}]'\n  params: null\nutc_time_created: x\n",
    );
    expect(sig?.inputs).toEqual([{ name: "it's", type: 'string', extra: '' }]);
    expect(sig?.outputs[0]?.type).toBe('tensor float32 [-1,2]');
    expect(sig?.params).toEqual([]);
    expect(parseSignature('flavors: {}\n')).toBeUndefined();
  });

  it('parses quoted CSV and drops the cut last line of a partial read', () => {
    expect(parseDelimited('a,b\n"x, ""y""",2\n3,4', ',', 10, true)).toEqual([['a', 'b'], ['x, "y"', '2'], ['3', '4']]);
    expect(parseDelimited('a,b\n1,2\n3,', ',', 10, false)).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseDelimited('a\tb\r\n1\t2\r\n', '\t', 10, true)).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseDelimited('a\n1\n2\n3\n', ',', 2, true)).toHaveLength(2);
  });

  it('writes CSV fields that need it quoted', () => {
    expect(csvLine(['a', 'b,c', 'd"e', 1, undefined, 'x\ny'])).toBe('a,"b,c","d""e",1,,"x\ny"\r\n');
  });
});

describe("MLflow's hash-route parameters", () => {
  it('reads JSON lists, plain lists and garbage', () => {
    expect(jsonList('["a","b"]')).toEqual(['a', 'b']);
    expect(jsonList('[1, 2]')).toEqual(['1', '2']);
    expect(jsonList('a, b')).toEqual(['a', 'b']);
    expect(jsonList(null)).toEqual([]);
  });

  it('maps run page sub-paths to tabs', () => {
    expect(runPageSplat('artifactPath/model/MLmodel')).toEqual({ tab: 'artifacts', artifactPath: 'model/MLmodel' });
    expect(runPageSplat('artifacts/a%20b.txt')).toEqual({ tab: 'artifacts', artifactPath: 'a b.txt' });
    expect(runPageSplat('model-metrics').tab).toBe('charts');
    expect(runPageSplat('').tab).toBe('overview');
  });

  it('maps searchFilter and lifecycleFilter to our parameters', () => {
    const out = legacyRunsParams(new URLSearchParams('searchFilter=metrics.a%3E1&lifecycleFilter=Deleted'));
    expect(out.get('filter')).toBe('metrics.a>1');
    expect(out.get('lifecycle')).toBe('DELETED_ONLY');
    expect(out.has('searchFilter')).toBe(false);
  });
});
