/**
 * A preview by file type: text, JSON, YAML, MLmodel (signature as a table), CSV/TSV (first
 * rows), images, HTML in a sandboxed frame; a download link for everything. Text previews read
 * only the head of the file.
 */
import { artifactUrl } from '../api/artifacts';
import { useArtifactHead, useArtifactList } from '../hooks/useArtifacts';
import { parseDelimited, parseSignature, previewKind } from '../lib/artifactKinds';
import type { ModelSignature, SignatureField } from '../lib/artifactKinds';
import { CopyUri } from './CopyUri';
import { ErrorState, Loading } from './Status';
import { HeaderRow } from './TableParts';

const TEXT_LIMIT = 512 * 1024;
const TABLE_LIMIT = 256 * 1024;
const TABLE_ROWS = 200;

interface Props {
  runId: string;
  artifactUri: string | undefined;
  path: string;
  isDir: boolean | undefined;
}

export function ArtifactPreview({ runId, artifactUri, path, isDir }: Props) {
  const listing = useArtifactList(runId, path, isDir !== false);
  const looksLikeDir = isDir === true || (isDir === undefined && (listing.data?.files?.length ?? 0) > 0);
  if (isDir === undefined && listing.isPending) return <Loading />;
  return (
    <div className="preview">
      <div className="preview-head">
        <h2 className="mono">{path}</h2>
        {artifactUri && <CopyUri uri={`${artifactUri}/${path}`} />}
        {!looksLikeDir && (
          <a className="button" href={artifactUrl(runId, path)} download={path.split('/').pop()}>
            Download
          </a>
        )}
      </div>
      {looksLikeDir ? <DirectoryInfo files={listing.data?.files ?? []} /> : <FilePreview runId={runId} path={path} />}
    </div>
  );
}

function DirectoryInfo({ files }: { files: { path: string; is_dir: boolean }[] }) {
  const isModel = files.some((f) => f.path.endsWith('/MLmodel'));
  return <p className="muted">{isModel ? 'An MLflow model directory. Open MLmodel to see its flavors and signature.' : `A directory with ${files.length} entries.`}</p>;
}

function FilePreview({ runId, path }: { runId: string; path: string }) {
  const kind = previewKind(path);
  const textual = kind !== 'image' && kind !== 'none';
  const head = useArtifactHead(runId, path, kind === 'table' ? TABLE_LIMIT : TEXT_LIMIT, textual);
  if (kind === 'image') return <img className="image-preview" src={artifactUrl(runId, path)} alt={path} />;
  if (kind === 'none') return <p className="muted">No preview for this file type; use Download.</p>;
  if (head.isPending) return <Loading />;
  if (head.isError) return <ErrorState error={head.error} retry={() => void head.refetch()} />;
  const { text, complete } = head.data;
  const cut = !complete && <p className="muted">Showing the first {Math.round(text.length / 1024)} KB of the file.</p>;
  switch (kind) {
    case 'json':
      return (
        <>
          {cut}
          <pre className="code" tabIndex={0}>{complete ? prettyJson(text) : text}</pre>
        </>
      );
    case 'mlmodel':
      return <MlmodelPreview text={text} />;
    case 'table':
      return <TablePreview text={text} complete={complete} delimiter={path.toLowerCase().endsWith('.tsv') ? '\t' : ','} />;
    case 'html':
      return (
        <>
          {cut}
          <iframe className="html-preview" title={`HTML preview of ${path}`} sandbox="" srcDoc={text} />
        </>
      );
    default:
      return (
        <>
          {cut}
          <pre className="code" tabIndex={0}>{text}</pre>
        </>
      );
  }
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function MlmodelPreview({ text }: { text: string }) {
  const signature = parseSignature(text);
  return (
    <>
      {signature ? <SignatureTables signature={signature} /> : <p className="muted">This model has no signature.</p>}
      <pre className="code" tabIndex={0}>{text}</pre>
    </>
  );
}

function SignatureTables({ signature }: { signature: ModelSignature }) {
  const table = (title: string, list: SignatureField[]) =>
    list.length > 0 && (
      <table className="grid compact signature">
        <caption>{title}</caption>
        <HeaderRow columns={['Name', 'Type', 'Details']} />
        <tbody>
          {list.map((f) => (
            <tr key={f.name}>
              <td className="mono">{f.name}</td>
              <td className="mono">{f.type}</td>
              <td className="mono">{f.extra}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <div className="signature-tables">
      {table('Signature inputs', signature.inputs)}
      {table('Signature outputs', signature.outputs)}
      {table('Signature params', signature.params)}
    </div>
  );
}

function TablePreview({ text, complete, delimiter }: { text: string; complete: boolean; delimiter: ',' | '\t' }) {
  const rows = parseDelimited(text, delimiter, TABLE_ROWS + 1, complete);
  const [header, ...body] = rows;
  if (!header) return <p className="muted">The file is empty.</p>;
  return (
    <>
      <p className="muted">
        {body.length} rows shown{complete && body.length < TABLE_ROWS ? '' : ' (the first rows of the file)'}.
      </p>
      <div className="table-preview" tabIndex={0} role="region" aria-label="First rows of the file">
        <table className="grid compact">
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) => (
                  <td key={j}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
