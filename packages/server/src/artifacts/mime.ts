/**
 * Download headers for artifacts (spec §8.5): MLflow's text extensions and the names `MLmodel`
 * and `mlproject` (lower-case in MLflow's code) are `text/plain`, else the file-name guess of
 * Python's `mimetypes`, else `application/octet-stream`; always an attachment with
 * `X-Content-Type-Options: nosniff`.
 *
 * Unlike MLflow, types a browser would execute or render as a document (HTML, XHTML, SVG, XML,
 * JavaScript) are never sent as such: they go out as `text/plain`, so even a browser that ignores
 * the attachment disposition shows the source instead of running it.
 */

const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml',
  'yaml', 'yml', 'xml', 'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'mlproject',
]);

/** The part of Python's `mimetypes` table that artifacts meet in practice (lower-case extensions). */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  ico: 'image/vnd.microsoft.icon',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  html: 'text/html',
  htm: 'text/html',
  xhtml: 'application/xhtml+xml',
  xht: 'application/xhtml+xml',
  css: 'text/css',
  mjs: 'text/javascript',
  zip: 'application/zip',
  tar: 'application/x-tar',
  gz: 'application/octet-stream',
  bz2: 'application/octet-stream',
  wasm: 'application/wasm',
  mp3: 'audio/mpeg',
  wav: 'audio/x-wav',
  mp4: 'video/mp4',
  mpeg: 'video/mpeg',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  h5: 'application/x-hdf5',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  rtf: 'application/rtf',
  c: 'text/plain',
  h: 'text/plain',
  bat: 'text/plain',
  ksh: 'text/plain',
  pl: 'text/plain',
  sh: 'text/plain',
};

/** Types that a browser would render as a document or execute. */
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
  'application/ecmascript',
  'text/ecmascript',
]);

export function guessContentType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const extension = dot > 0 ? fileName.slice(dot + 1) : '';
  if (TEXT_EXTENSIONS.has(extension === '' ? fileName : extension)) return 'text/plain';
  const guessed = MIME_BY_EXTENSION[extension.toLowerCase()] ?? 'application/octet-stream';
  return ACTIVE_TYPES.has(guessed) ? 'text/plain' : guessed;
}

/** `attachment; filename=...`, with an RFC 6266 `filename*` when the name is not plain ASCII. */
export function contentDisposition(fileName: string): string {
  if (/^[\u0020-\u007e]*$/.test(fileName) && !/["\\]/.test(fileName)) return `attachment; filename="${fileName}"`;
  const fallback = fileName.replace(/[^\u0020-\u007e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The headers every artifact download carries. */
export function downloadHeaders(fileName: string, size?: number): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': guessContentType(fileName),
    'content-disposition': contentDisposition(fileName),
    'x-content-type-options': 'nosniff',
  };
  if (size !== undefined) headers['content-length'] = String(size);
  return headers;
}
