/**
 * With `file://` artifact roots the MLflow 3.x client writes a logged model's files straight
 * into the model's artifact folder, so the corpus shows the reads but not the writes
 * (../shared/conformance-3x/README.md, "Replaying"). Before a recorded read of such files
 * succeeds, the client's part is done here the way the client does it: ask our server where
 * the model's artifacts live, then write there what the recording shows was present (a read
 * file's recorded content, ids mapped; listed files at their recorded sizes).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange } from './corpus.js';
import type { IdMapper } from './idMapper.js';
import type { OutgoingRequest } from './requestRewrite.js';
import { send } from './send.js';

const MODEL_FILES = /^\/ajax-api\/2\.0\/mlflow\/logged-models\/(m-[0-9a-f]{32})\/artifacts\/(files|directories)(?:\?(.*))?$/;

export async function writeClientFiles(exchange: Exchange, request: OutgoingRequest, mapper: IdMapper, baseUrl: URL, agent: http.Agent): Promise<void> {
  const m = MODEL_FILES.exec(request.path);
  if (!m || exchange.status !== 200) return;
  const dir = await modelDirectory(m[1] as string, baseUrl, agent);
  if (dir === undefined) return;
  if (m[2] === 'files' && exchange.res.text !== undefined) {
    const file = new URLSearchParams(m[3] ?? '').get('artifact_file_path');
    if (file) write(path.join(dir, file), mapper.stringToOurs(exchange.res.text));
    return;
  }
  const listed = (exchange.res.json as { files?: { path: string; is_dir: boolean; file_size?: number }[] } | undefined)?.files ?? [];
  for (const f of listed) {
    const target = path.join(dir, f.path);
    if (f.is_dir) fs.mkdirSync(target, { recursive: true });
    else if (!fs.existsSync(target)) write(target, ' '.repeat(f.file_size ?? 0));
  }
}

async function modelDirectory(modelId: string, baseUrl: URL, agent: http.Agent): Promise<string | undefined> {
  const answer = await send(baseUrl, agent, { method: 'GET', path: `/api/2.0/mlflow/logged-models/${modelId}`, contentType: null, body: undefined, text: '' });
  if (answer.status !== 200) return undefined;
  const uri = (JSON.parse(answer.text) as { model: { info: { artifact_uri: string } } }).model.info.artifact_uri;
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri.startsWith('/') ? uri : undefined;
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
