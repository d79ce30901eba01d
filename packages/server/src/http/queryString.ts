/**
 * Query strings as MLflow reads them for GET requests (`querystring_parser`, normalized mode):
 * repeated keys become arrays, `key[0]=a&key[1]=b` becomes an array, `key[]=v` is `key[0]=v`,
 * `a[b]=c` nests, `+` is a space. All values are strings.
 *
 * MLflow answers a pair without `=`, or with a raw `=` inside the value, with an HTML 500; we
 * answer 400 INVALID_PARAMETER_VALUE (listed in docs/compatibility.md).
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { MAX_JSON_DEPTH } from './json.js';

type Node = string | Node[] | { [k: string]: Node };

export function parseQueryString(qs: string): Record<string, unknown> {
  const root: Record<string, Node> = {};
  if (qs === '') return root;
  for (const element of qs.replace(/%5B%5D/g, '%5B0%5D').split('&')) {
    if (element === '') continue;
    const parts = element.split('=');
    if (parts.length !== 2) {
      throw MlflowError.invalidParameter(
        `Malformed query string element '${element}': expected exactly one '=' (percent-encode '=' inside values as %3D).`,
      );
    }
    const key = decodeComponent(parts[0] as string);
    const value = decodeComponent(parts[1] as string);
    const path = keyPath(key);
    if (path.length > MAX_JSON_DEPTH) {
      throw MlflowError.invalidParameter(
        `Malformed query string key '${path[0]}[...]': nested deeper than ${MAX_JSON_DEPTH} levels.`,
      );
    }
    insert(root, path, value);
  }
  return normalize(root) as Record<string, unknown>;
}

function decodeComponent(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    // Python's unquote leaves invalid escapes as they are
    return plus.replace(/%([0-9a-fA-F]{2})/g, (m, hex: string) => {
      const code = parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : m;
    });
  }
}

/** `a[b][0]` -> ['a', 'b', '0']; `[]` counts as index 0 like MLflow's rewrite. */
function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const path = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index !== consumed) return [key];
    path.push(m[1] === '' ? '0' : (m[1] as string));
    consumed = m.index + m[0].length;
  }
  return consumed === rest.length ? path : [key];
}

function insert(target: Record<string, Node>, path: string[], value: string): void {
  let dict = target;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    const existing = dict[k];
    if (existing === undefined || typeof existing === 'string' || Array.isArray(existing)) {
      if (existing !== undefined) return addValue(dict, k, value);
      dict[k] = {};
    }
    dict = dict[k] as Record<string, Node>;
  }
  addValue(dict, path[path.length - 1] as string, value);
}

function addValue(dict: Record<string, Node>, k: string, value: string): void {
  const existing = dict[k];
  if (existing === undefined) dict[k] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else if (typeof existing === 'string') dict[k] = [existing, value];
  else dict[k] = value;
}

/** Dicts whose keys are all integers become arrays ordered by index. */
function normalize(node: Node): Node {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map(normalize);
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => normalize(node[k] as Node));
  }
  const out: Record<string, Node> = {};
  for (const k of keys) out[k] = normalize(node[k] as Node);
  return out;
}
