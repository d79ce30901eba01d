/**
 * Judges one exchange: status first, then the body by the kind of body MLflow sent. Flask's HTML
 * pages (unknown route, 405, uncaught exceptions) compare on status only; JSON bodies compare
 * after normalisation (normalise.ts); other text compares exactly. A JSON body that differs only
 * because runs nothing has told apart were paired differently gets one chance to re-pair them
 * (interchangeableRuns.ts).
 */
import type { Exchange } from './corpus.js';
import { learnIds } from './idMapper.js';
import type { InterchangeableRuns } from './interchangeableRuns.js';
import { normalisePair } from './normalise.js';
import type { NormaliseContext } from './normalise.js';
import type { Answer } from './send.js';

export interface JudgeContext extends NormaliseContext {
  /** Runs created alike and not yet told apart; the replay keeps one tracker per session. */
  readonly interchangeable?: InterchangeableRuns;
}

export interface Difference {
  /** JSON path of the first difference (`$` for the whole body, `status` for the status). */
  readonly where: string;
  readonly recorded: string;
  readonly ours: string;
}

export function judge(exchange: Exchange, answer: Answer, ctx: JudgeContext): Difference | undefined {
  ctx.interchangeable?.noteRequest(exchange);
  const diff = judgeAnswer(exchange, answer, ctx);
  ctx.interchangeable?.noteAnswer(exchange, answer.text, diff === undefined, ctx.mapper);
  return diff;
}

function judgeAnswer(exchange: Exchange, answer: Answer, ctx: JudgeContext): Difference | undefined {
  const sameStatus = exchange.status === answer.status;
  const res = exchange.res;
  if (res.body_omitted || (exchange.res_content_type ?? '').startsWith('text/html')) {
    return sameStatus ? undefined : statusDifference(exchange, answer);
  }
  if ('json' in res) {
    const ours = parseJson(answer.text);
    if (ours === NOT_JSON) return sameStatus ? { where: '$', recorded: 'a JSON body', ours: snippet(answer.text) } : statusDifference(exchange, answer);
    if (sameStatus) learnIds(res.json, ours, ctx.mapper);
    if (!sameStatus) return statusDifference(exchange, answer);
    if (!isJsonType(answer.contentType)) return { where: 'content-type', recorded: exchange.res_content_type ?? '(none)', ours: answer.contentType ?? '(none)' };
    return compareJson(exchange, res.json, ours, ctx);
  }
  if (!sameStatus) return statusDifference(exchange, answer);
  const recordedText = res.text ?? (res.b64 !== undefined ? Buffer.from(res.b64, 'base64').toString('utf8') : '');
  const oursText = ctx.mapper.stringToRecorded(answer.text);
  return recordedText === oursText ? undefined : { where: '$', recorded: snippet(recordedText), ours: snippet(oursText) };
}

/**
 * As bound first; only a mismatch may re-pair interchangeable runs, and the re-pairing stays only
 * if the whole body then matches. Otherwise the mapping is restored and the difference left after
 * lining the runs up is reported: it points at what really differs (a count, a field), not at the
 * random pairing.
 */
function compareJson(exchange: Exchange, recorded: unknown, ours: unknown, ctx: JudgeContext): Difference | undefined {
  const compareNow = () => {
    const pair = normalisePair(recorded, ours, ctx);
    return firstDifference(pair.recorded, pair.ours, '$');
  };
  const diff = compareNow();
  const undo = diff && ctx.interchangeable?.repair(exchange, recorded, ours, ctx.mapper);
  if (!undo) return diff;
  const repaired = compareNow();
  if (repaired) undo();
  return repaired;
}

function statusDifference(exchange: Exchange, answer: Answer): Difference {
  const recordedBody = exchange.res.json !== undefined ? JSON.stringify(exchange.res.json) : (exchange.res.text ?? '');
  return {
    where: 'status',
    recorded: `${exchange.status} ${snippet(recordedBody)}`,
    ours: `${answer.status} ${snippet(answer.text)}`,
  };
}

const NOT_JSON = Symbol('not JSON');

/** Clients decide how to read a body from its type: a JSON answer must say so. */
function isJsonType(contentType: string | null): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** An empty body is `null`: MLflow's ajax upload answers 200 with no body and a JSON type. */
function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

export function firstDifference(recorded: unknown, ours: unknown, where: string): Difference | undefined {
  if (Array.isArray(recorded) && Array.isArray(ours)) {
    for (let i = 0; i < Math.max(recorded.length, ours.length); i++) {
      if (i >= recorded.length || i >= ours.length) {
        return { where: `${where}.length`, recorded: String(recorded.length), ours: String(ours.length) };
      }
      const d = firstDifference(recorded[i], ours[i], `${where}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObj(recorded) && isObj(ours)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(ours)])].sort();
    for (const key of keys) {
      if (!(key in ours)) return { where: `${where}.${key}`, recorded: snippet(JSON.stringify(recorded[key])), ours: '(missing)' };
      if (!(key in recorded)) return { where: `${where}.${key}`, recorded: '(missing)', ours: snippet(JSON.stringify(ours[key])) };
      const d = firstDifference(recorded[key], ours[key], `${where}.${key}`);
      if (d) return d;
    }
    return undefined;
  }
  if (Object.is(recorded, ours)) return undefined;
  return { where, recorded: snippet(JSON.stringify(recorded) ?? String(recorded)), ours: snippet(JSON.stringify(ours) ?? String(ours)) };
}

/** One line for the report table (Flask's HTML pages span several). */
export function snippet(s: string, max = 300): string {
  const line = s.replace(/\r?\n/g, '\\n');
  return line.length <= max ? line : `${line.slice(0, max)}… (${line.length} chars)`;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
