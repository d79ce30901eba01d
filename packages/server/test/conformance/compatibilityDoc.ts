/**
 * docs/compatibility.md is written by hand except for one section, rendered from
 * docs/deliberate-differences.json between two marker comments, so the readable list and the
 * one the replay uses cannot drift apart (compatibility-doc.test.ts checks it and can rewrite it).
 */
import type { DeliberateDifference, Match } from './differences.js';

export const BEGIN_MARKER = '<!-- BEGIN deliberate-differences (generated from docs/deliberate-differences.json) -->';
export const END_MARKER = '<!-- END deliberate-differences -->';

export function renderDifferences(differences: readonly DeliberateDifference[]): string {
  const out: string[] = [BEGIN_MARKER, '', '| id | endpoint | in short |', '|---|---|---|'];
  for (const d of differences) out.push(`| [\`${d.id}\`](#${d.id}) | \`${d.endpoint}\` | ${cell(text(d.ours))} |`);
  for (const d of differences) {
    out.push(
      '',
      `### ${d.id}`,
      '',
      `- **Endpoint:** \`${d.endpoint}\``,
      `- **Input:** ${text(d.input)}`,
      `- **MLflow 2.12.2:** ${text(d.mlflow)}`,
      `- **Darwin MLflow:** ${text(d.ours)}`,
      `- **Why:** ${text(d.why)}`,
      `- **Replay match:** ${describeMatch(d.match)}`,
    );
  }
  out.push('', END_MARKER);
  return out.join('\n');
}

function describeMatch(m: Match | null): string {
  if (m === null) return 'none (no single exchange shows it; it never accepts a mismatch)';
  const statuses = (s: number | readonly number[]) => (typeof s === 'number' ? String(s) : s.join(' or '));
  const parts = [`MLflow status ${statuses(m.status_mlflow)}, ours ${statuses(m.status_ours)}`];
  if (m.request_contains !== undefined) parts.push(`request contains \`${m.request_contains}\``);
  if (m.mlflow_contains !== undefined) parts.push(`MLflow's body contains \`${m.mlflow_contains}\``);
  if (m.ours_contains !== undefined) parts.push(`our body contains \`${m.ours_contains}\``);
  return parts.join('; ');
}

/** Prose may say `<field>`: outside code spans, angle brackets would be read as HTML tags. */
function text(s: string): string {
  return s
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll('<', '&lt;').replaceAll('>', '&gt;')))
    .join('`');
}

/** Markdown table cells cannot hold pipes or line breaks. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The document with its generated section replaced (markers must already be present). */
export function withGeneratedSection(document: string, section: string): string {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (begin < 0 || end < begin) throw new Error(`compatibility.md must contain the markers\n${BEGIN_MARKER}\n${END_MARKER}`);
  return document.slice(0, begin) + section + document.slice(end + END_MARKER.length);
}

export function generatedSection(document: string): string | undefined {
  const begin = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  return begin < 0 || end < begin ? undefined : document.slice(begin, end + END_MARKER.length);
}
