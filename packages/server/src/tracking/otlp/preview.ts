/**
 * `_get_truncated_preview` of mlflow/tracing/utils/truncation.py for a span's inputs or outputs
 * (JSON text): the text of the last chat message of `role` when the value holds OpenAI-style
 * messages, else the text itself; at most 1000 characters (code points, as Python counts).
 */

/** TRACE_REQUEST_RESPONSE_PREVIEW_MAX_LENGTH_OSS */
const MAX_PREVIEW = 1000;

type Obj = Record<string, unknown>;

export function truncatedPreview(text: string, role: 'user' | 'assistant'): string {
  let content: string | undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    obj = undefined;
  }
  if (obj !== undefined && obj !== null) {
    const messages = extractMessages(obj);
    if (messages && messages.length > 0) content = textOf(lastMessage(messages, role));
  }
  const chosen = content || text;
  const points = Array.from(chosen);
  return points.length <= MAX_PREVIEW ? chosen : `${points.slice(0, MAX_PREVIEW - 3).join('')}...`;
}

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isMessage(item: unknown): item is Obj {
  return isObject(item) && 'role' in item && 'content' in item;
}

function nonEmptyList(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0;
}

/** `_try_extract_messages`: chat completions (`messages`, `choices`), Responses API (`input`, `output`), ResponsesAgent (`request`). */
function extractMessages(obj: unknown): Obj[] | undefined {
  if (!isObject(obj)) return undefined;
  if (nonEmptyList(obj.messages)) return obj.messages.filter(isMessage);
  const choices = obj.choices;
  if (nonEmptyList(choices) && isObject(choices[0]) && isMessage(choices[0].message)) return [choices[0].message];
  if (nonEmptyList(obj.input)) return obj.input.filter(isMessage);
  if (nonEmptyList(obj.output)) return obj.output.filter(isMessage);
  if ('request' in obj) return extractMessages(obj.request);
  return undefined;
}

function lastMessage(messages: Obj[], role: string): Obj {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === role) return messages[i]!;
  return messages[messages.length - 1]!;
}

/** `_get_text_content_from_message` */
function textOf(message: Obj): string | undefined {
  const content = message.content;
  if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part === 'string') return part;
      if (isObject(part) && (part.type === 'text' || part.type === 'output_text')) return typeof part.text === 'string' ? part.text : undefined;
    }
    return undefined;
  }
  return typeof content === 'string' ? content : '';
}
