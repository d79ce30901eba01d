/**
 * URI helpers with the semantics of Python's urllib.parse and MLflow's mlflow/utils/uri.py,
 * so artifact locations are derived exactly as MLflow derives them.
 */
import { posixJoin } from '../util/posixPath.js';

export interface ParsedUri {
  scheme: string;
  netloc: string;
  path: string;
  params: string;
  query: string;
  fragment: string;
}

const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// urllib.parse.uses_netloc / uses_params
const USES_NETLOC = new Set(['', 'ftp', 'http', 'gopher', 'nntp', 'telnet', 'imap', 'wais', 'file', 'mms', 'https', 'shttp', 'snews', 'prospero', 'rtsp', 'rtspu', 'rsync', 'svn', 'svn+ssh', 'sftp', 'nfs', 'git', 'git+ssh', 'ws', 'wss']);
const USES_PARAMS = new Set(['', 'ftp', 'hdl', 'prospero', 'http', 'imap', 'https', 'shttp', 'rtsp', 'rtspu', 'sip', 'sips', 'mms', 'sftp', 'tel']);

/** urllib.parse.urlparse */
export function urlparse(uri: string): ParsedUri {
  let rest = uri;
  let scheme = '';
  const m = SCHEME_RE.exec(rest);
  if (m) {
    scheme = (m[1] as string).toLowerCase();
    rest = rest.slice(m[0].length);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let params = '';
  if (USES_PARAMS.has(scheme)) {
    const lastSlash = rest.lastIndexOf('/');
    const semi = rest.indexOf(';', lastSlash < 0 ? 0 : lastSlash);
    if (semi >= 0) {
      params = rest.slice(semi + 1);
      rest = rest.slice(0, semi);
    }
  }
  return { scheme, netloc, path: rest, params, query, fragment };
}

/** urllib.parse.urlunparse */
export function urlunparse(u: ParsedUri): string {
  let url = u.params ? `${u.path};${u.params}` : u.path;
  if (u.netloc || (u.scheme && USES_NETLOC.has(u.scheme) && !url.startsWith('//'))) {
    if (url && !url.startsWith('/')) url = `/${url}`;
    url = `//${u.netloc}${url}`;
  }
  if (u.scheme) url = `${u.scheme}:${url}`;
  if (u.query) url = `${url}?${u.query}`;
  if (u.fragment) url = `${url}#${u.fragment}`;
  return url;
}

function joinAppendingAbsolute(prefix: string, suffix: string): string {
  if (prefix === '') return suffix;
  return posixJoin(prefix, suffix.replace(/^\/+/, ''));
}

/** MLflow `append_to_uri_path`: appends to the path component, keeping scheme, host and query. */
export function appendToUriPath(uri: string, ...paths: string[]): string {
  const path = paths.reduce((acc, p) => joinAppendingAbsolute(acc, p), '');
  const parsed = urlparse(uri);
  if (parsed.scheme === '') return joinAppendingAbsolute(uri, path);
  let prefix = '';
  let base = parsed;
  if (!parsed.path.startsWith('/')) {
    prefix = `${parsed.scheme}:`;
    base = { ...parsed, scheme: '' };
  }
  return prefix + urlunparse({ ...base, path: joinAppendingAbsolute(base.path, path) });
}

/**
 * Python's `urllib.parse.unquote` (`unquote_plus` with `plus`): runs of `%XX` become UTF-8 text
 * (invalid sequences U+FFFD), malformed escapes stay as they are. Never throws.
 */
export function pyUnquote(value: string, plus = false): string {
  const text = plus ? value.replace(/\+/g, ' ') : value;
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

const MAX_DECODE_ROUNDS = 10;

/**
 * Percent-decoding repeated until the value is stable, as MLflow's `_decode` does before its
 * safety checks; undefined when it is still changing after 10 rounds (only a crafted value
 * nests that deep, and every caller refuses it).
 */
export function decodeToFixedPoint(value: string, plus = false): string | undefined {
  let current = value;
  for (let i = 0; i < MAX_DECODE_ROUNDS; i++) {
    const next = pyUnquote(current, plus);
    if (next === current) return current;
    current = next;
  }
  return undefined;
}
