/**
 * OTLP span ingestion (MLflow 3.x's `POST /v1/traces`, mlflow/server/otel_api.py): spans are
 * converted as MLflow converts them, grouped by trace, and logged with SqlAlchemyStore.log_spans'
 * rules (trace range from the spans, state from the root span, previews from the root span's
 * inputs and outputs, token usage summed into the trace's metadata).
 */
import { MlflowError } from '@darwin-mlflow/contract';
import { pyJsonDumps } from '../../http/pyjson.js';
import type { OtlpSpan } from '../otlp/decode.js';
import { CHAT_USAGE_ATTRIBUTE, convertSpan, SPAN_INPUTS_ATTRIBUTE, SPAN_OUTPUTS_ATTRIBUTE } from '../otlp/spanContent.js';
import type { ConvertedSpan } from '../otlp/spanContent.js';
import { truncatedPreview } from '../otlp/preview.js';
import type { SpanStore, TraceSpans } from '../store/spans.js';

/** TokenUsageKey, in the order update_token_usage adds them. */
const TOKEN_KEYS = ['input_tokens', 'output_tokens', 'total_tokens'] as const;
const NANOS_PER_MS = 1_000_000n;

export class SpanService {
  constructor(private readonly store: SpanStore) {}

  /** Logs the spans of an export request into the experiment the request's header names. */
  async exportSpans(experimentId: string | undefined, spans: readonly OtlpSpan[]): Promise<void> {
    if (!experimentId) throw MlflowError.invalidParameter('Missing value for required header \'x-mlflow-experiment-id\'.');
    const byTrace = new Map<string, ConvertedSpan[]>();
    spans.forEach((span, i) => {
      const converted = convertSpan(span, i);
      const list = byTrace.get(converted.record.traceId) ?? [];
      list.push(converted);
      byTrace.set(converted.record.traceId, list);
    });
    await this.store.logSpans(experimentId, [...byTrace.entries()].map(([traceId, list]) => traceSpans(traceId, list)));
  }
}

function traceSpans(traceId: string, spans: readonly ConvertedSpan[]): TraceSpans {
  let minStart: bigint | undefined;
  let maxEnd = 0n;
  for (const { record } of spans) {
    if (minStart === undefined || record.startTimeNs < minStart) minStart = record.startTimeNs;
    if (record.endTimeNs > maxEnd) maxEnd = record.endTimeNs;
  }
  // the first span without a parent is the root (_get_trace_status_from_root_span)
  const root = spans.find((s) => s.record.parentSpanId === null);
  const usage = spans
    .map((s) => s.attributes.get(CHAT_USAGE_ATTRIBUTE))
    .filter((u): u is string => !!u)
    .reduce((sum: Usage, u) => addTokenUsage(sum, parseUsage(u)), {});
  return {
    traceId,
    spans: spans.map((s) => s.record),
    minStartMs: Number((minStart ?? 0n) / NANOS_PER_MS),
    maxEndMs: Number(maxEnd / NANOS_PER_MS),
    rootState: root ? (root.record.status === 'ERROR' ? 'ERROR' : 'OK') : null,
    requestPreview: previewOf(root, SPAN_INPUTS_ATTRIBUTE, 'user'),
    responsePreview: previewOf(root, SPAN_OUTPUTS_ATTRIBUTE, 'assistant'),
    mergeTokenUsage: Object.keys(usage).length > 0 ? (stored) => pyJsonDumps(addTokenUsage(stored === null ? {} : parseUsage(stored), usage)) : null,
  };
}

function previewOf(root: ConvertedSpan | undefined, key: string, role: 'user' | 'assistant'): string | null {
  const value = root?.attributes.get(key);
  return value ? truncatedPreview(value, role) : null;
}

type Usage = Record<string, unknown>;

function parseUsage(text: string): Usage {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Usage) : {};
  } catch {
    return {};
  }
}

/** update_token_usage: each count added to the running one (a count that is not a number ends the sum, as MLflow's error does). */
function addTokenUsage(current: Usage, add: Usage): Usage {
  if (Object.keys(add).length === 0) return current;
  for (const key of TOKEN_KEYS) {
    const a = current[key] ?? 0;
    const b = add[key] ?? 0;
    if (typeof a !== 'number' || typeof b !== 'number') break;
    current[key] = a + b;
  }
  return current;
}
