/**
 * Artifact bytes for previews. Only the head of a file is read: the request asks for a byte
 * range and the body is cancelled once `limit` bytes are in, so a large file never loads whole.
 */
import { ApiError, apiUrl } from './client';

export function artifactUrl(runId: string, path: string): string {
  return apiUrl('get-artifact', { path, run_uuid: runId });
}

export interface ArtifactHead {
  text: string;
  /** Whether the text is the whole file. */
  complete: boolean;
}

export async function readArtifactHead(runId: string, path: string, limit: number): Promise<ArtifactHead> {
  const response = await fetch(artifactUrl(runId, path), { headers: { range: `bytes=0-${limit - 1}` }, credentials: 'same-origin' });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    let code = `HTTP_${response.status}`;
    try {
      const body = (await response.json()) as { message?: string; error_code?: string };
      message = body.message ?? message;
      code = body.error_code ?? code;
    } catch {
      // not JSON: keep the status
    }
    throw new ApiError(message, response.status, code);
  }
  const reader = response.body?.getReader();
  if (!reader) return { text: '', complete: true };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    chunks.push(value);
    size += value.length;
  }
  if (!ended) await reader.cancel();
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.min(c.length, bytes.length - at));
    bytes.set(part, at);
    at += part.length;
  }
  const total = totalSize(response);
  const complete = (response.status === 200 && ended && size <= limit) || (total !== undefined && total <= bytes.length);
  return { text: new TextDecoder().decode(bytes), complete };
}

/** The whole file's size: from Content-Range on a 206, else Content-Length. */
function totalSize(response: Response): number | undefined {
  const range = response.headers.get('content-range');
  const m = range ? /\/(\d+)$/.exec(range) : null;
  if (m) return Number(m[1]);
  const length = response.headers.get('content-length');
  return length !== null && response.status === 200 ? Number(length) : undefined;
}
