import type { FastifyRequest } from 'fastify';

/**
 * The whole raw body if it has at most `max` bytes (bounded memory, chunked bodies too), else
 * undefined. Reading stops at the limit without destroying the socket, so that the caller's
 * error reply can still be sent.
 */
export function readCapped(request: FastifyRequest, max: number): Promise<Buffer | undefined> {
  const stream = request.raw;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= max) {
        chunks.push(chunk);
        return;
      }
      stream.off('data', onData);
      stream.pause();
      resolve(undefined);
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(Buffer.concat(chunks, total)));
    stream.once('error', reject);
  });
}
