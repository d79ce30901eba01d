/**
 * What an artifact preview shows, from its file name; the MLmodel signature and the first
 * rows of a CSV/TSV file, parsed from text the page already has.
 */

export type PreviewKind = 'image' | 'json' | 'yaml' | 'mlmodel' | 'table' | 'html' | 'text' | 'none';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'bmp', 'webp', 'ico']);
const TEXT = new Set(['txt', 'log', 'md', 'rst', 'py', 'r', 'sh', 'cfg', 'ini', 'toml', 'conf', 'properties', 'xml', 'svg', 'js', 'ts', 'sql', 'err', 'out', 'ipynb', 'requirements', 'mlproject']);

export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? path;
  if (name === 'MLmodel') return 'mlmodel';
  if (name === 'MLproject' || name === 'requirements.txt' || name === 'conda.yaml' || name === 'python_env.yaml') return name.endsWith('.txt') || name === 'MLproject' ? 'text' : 'yaml';
  const ext = name.includes('.') ? (name.split('.').pop() as string).toLowerCase() : '';
  if (IMAGE.has(ext)) return 'image';
  if (ext === 'json') return 'json';
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'csv' || ext === 'tsv') return 'table';
  if (ext === 'html' || ext === 'htm') return 'html';
  if (TEXT.has(ext)) return 'text';
  return 'none';
}

export interface SignatureField {
  name: string;
  type: string;
  extra: string;
}

export interface ModelSignature {
  inputs: SignatureField[];
  outputs: SignatureField[];
  params: SignatureField[];
}

/** A YAML scalar as MLflow writes it in MLmodel: plain, or single-quoted with '' for '. */
function yamlScalar(raw: string): string {
  const v = raw.trim();
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, -1);
    }
  }
  return v;
}

function fields(json: string | undefined): SignatureField[] {
  if (!json || json === 'null') return [];
  try {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed.map((f: Record<string, unknown>, i) => {
      const { name, type, ...rest } = f;
      const tensor = f['tensor-spec'] as { dtype?: string; shape?: unknown } | undefined;
      return {
        name: typeof name === 'string' ? name : `(${i})`,
        type: typeof type === 'string' ? (tensor ? `${type} ${tensor.dtype ?? ''} ${JSON.stringify(tensor.shape ?? '')}` : type) : '',
        extra: Object.keys(rest).filter((k) => k !== 'tensor-spec').length ? JSON.stringify(Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'tensor-spec'))) : '',
      };
    });
  } catch {
    return [];
  }
}

/**
 * The `signature:` block of an MLmodel file. MLflow writes `inputs`, `outputs` and `params` as
 * one-line JSON strings under it; anything else reads as "no signature".
 */
export function parseSignature(mlmodel: string): ModelSignature | undefined {
  const lines = mlmodel.split(/\r?\n/);
  const start = lines.findIndex((l) => /^signature:\s*$/.test(l));
  if (start < 0) return undefined;
  const values: Record<string, string> = {};
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!/^\s/.test(line)) break;
    const m = /^\s+(inputs|outputs|params):\s*(.*)$/.exec(line);
    if (m) values[m[1] as string] = yamlScalar(m[2] as string);
  }
  const sig = { inputs: fields(values.inputs), outputs: fields(values.outputs), params: fields(values.params) };
  return sig.inputs.length || sig.outputs.length || sig.params.length ? sig : undefined;
}

/**
 * The first rows of CSV/TSV text (RFC 4180 quoting). `complete` says whether the text is the
 * whole file; if not, the last, possibly cut, line is dropped.
 */
export function parseDelimited(text: string, delimiter: ',' | '\t', maxRows: number, complete: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length && rows.length < maxRows) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += ch;
    i++;
  }
  if (rows.length < maxRows && complete && (field !== '' || row.length > 0)) endRow();
  return rows;
}
