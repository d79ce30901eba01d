/**
 * Reply bodies written piece by piece (docs/streaming.md): a handler returns a StreamedJson whose
 * parts, concatenated, are the same JSON text a buffered reply would hold, and the parts are
 * read from the database only as fast as the client takes them.
 *
 * - The first WHOLE_REPLY_BYTES are read before anything is sent. A reply that ends within them
 *   goes out whole with a Content-Length, exactly as before; an error found until then is an
 *   ordinary MLflow error reply.
 * - A longer reply goes out chunked. Fastify pipes the parts into the socket and stops asking for
 *   more while the socket's buffer is full (back-pressure), so a reply holds about one part in
 *   memory whatever its size.
 * - An error after the first byte destroys the socket: the client sees a truncated chunked body
 *   (no final chunk) and fails, never a 200 with JSON that looks whole.
 * - A client that goes away destroys the stream, which returns the parts' generator: its
 *   `finally` closes the cursor and gives the connection back at once.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { bytesOf, JSON_CONTENT_TYPE, jsonStringMembers, type JsonList } from './json.js';

/** Replies up to this size are sent whole (Content-Length), as buffered replies always were. */
export const WHOLE_REPLY_BYTES = 1024 * 1024;

/**
 * Bytes read ahead of the socket before the stream waits for it. With 64 KB every part waited
 * for the socket to drain before the next was read, and a 21 MB page took twice as long as the
 * buffered reply; with 1 MB the next parts are read while the socket sends, for ~1 MB a reply.
 */
const STREAM_HIGH_WATER_BYTES = 1024 * 1024;

export class StreamedJson {
  constructor(readonly parts: AsyncIterable<string | Buffer>) {}
}

/** Sends the body whole when it fits in WHOLE_REPLY_BYTES, else streams it. */
export async function sendStreamedJson(reply: FastifyReply, body: StreamedJson): Promise<FastifyReply> {
  const parts = body.parts[Symbol.asyncIterator]();
  const head: (string | Buffer)[] = [];
  let size = 0;
  while (size < WHOLE_REPLY_BYTES) {
    // an error here propagates to the error handler: nothing has been sent yet
    const next = await parts.next();
    if (next.done) return reply.type(JSON_CONTENT_TYPE).send(joinParts(head));
    head.push(next.value);
    size += next.value.length;
  }
  return reply.type('application/json').send(new PartsStream(joinParts(head), parts));
}

/** The parts as one body: a string while they all are, else the bytes. */
function joinParts(parts: readonly (string | Buffer)[]): string | Buffer {
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/**
 * The rest of a reply as a byte stream: a part is read only when the socket takes more, and
 * destroying the stream (the client went away, or Fastify after a failed part) returns the
 * parts' generator, whose `finally` releases its cursor, after the part it may be reading.
 */
class PartsStream extends Readable {
  private reading = false;

  constructor(
    private head: string | Buffer | undefined,
    private readonly parts: AsyncIterator<string | Buffer>,
  ) {
    super({ highWaterMark: STREAM_HIGH_WATER_BYTES });
  }

  override _read(): void {
    if (this.head !== undefined) {
      const head = this.head;
      this.head = undefined;
      if (!this.push(head)) return;
    }
    if (this.reading) return;
    this.reading = true;
    void this.pull();
  }

  private async pull(): Promise<void> {
    try {
      for (;;) {
        const next = await this.parts.next();
        if (this.destroyed) return;
        if (next.done) {
          this.push(null);
          return;
        }
        if (!this.push(next.value)) return;
      }
    } catch (err) {
      this.destroy(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.reading = false;
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.head = undefined;
    const closing = this.parts.return?.();
    if (!closing) return callback(err);
    closing.then(
      () => callback(err),
      (closeErr: unknown) => callback(err ?? (closeErr instanceof Error ? closeErr : null)),
    );
  }
}

/** Each chunk as the JSON texts of its items, for jsonListParts. */
export async function* mapChunks<C>(chunks: AsyncIterable<C>, text: (chunk: C) => readonly string[] | JsonList): AsyncGenerator<readonly string[] | JsonList> {
  for await (const chunk of chunks) yield text(chunk);
}

/**
 * `{"<name>":[items...], ...rest}` from chunks of items that are JSON text: the text
 * `rawJsonList` and `encodeJson` write for the same items (an empty list omitted, as proto JSON
 * does), with `rest` computed once the number of items is known (runs/search's page token).
 */
export async function* jsonListParts(
  name: string,
  chunks: AsyncIterable<readonly string[] | JsonList>,
  rest: (count: number) => Record<string, string | undefined> = () => ({}),
): AsyncGenerator<string | Buffer> {
  let count = 0;
  for await (const items of chunks) {
    const opening = count === 0 ? `{${JSON.stringify(name)}:[` : ',';
    if ('count' in items) {
      if (items.count === 0) continue;
      yield opening;
      yield bytesOf(items.text);
      count += items.count;
      continue;
    }
    if (items.length === 0) continue;
    yield opening + items.join(',');
    count += items.length;
  }
  const members = jsonStringMembers(rest(count));
  if (count === 0) yield `{${members.join(',')}}`;
  else yield `]${members.map((m) => `,${m}`).join('')}}`;
}
