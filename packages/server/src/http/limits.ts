/**
 * Bounded concurrency per route class, instead of an unbounded queue: at most `concurrent`
 * requests of a class run at once in this process, at most `queued` more wait (in arrival
 * order, for at most `queueTimeoutMs`), and anything beyond is answered at once with 503
 * TEMPORARILY_UNAVAILABLE and Retry-After, so a load balancer or client backs off instead of
 * piling up. The check runs before the body is read: a waiting upload costs no memory.
 * Classes: artifact transfers (long streams), writes, reads. Liveness, readiness and metrics
 * are never limited.
 */
import { MlflowError } from '@darwin-mlflow/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClassLimit, ConcurrencyLimits } from '../config/operations.js';
import { sendError } from '../errors/errorHandler.js';

export type RouteClass = 'read' | 'write' | 'artifact';

const UNLIMITED = new Set(['/health', '/ready', '/metrics', '/version']);
const ARTIFACT_PATH = /\/mlflow-artifacts\/|\/get-artifact(\?|$)|\/model-versions\/get-artifact|\/upload-artifact(\?|$)/;

export function routeClassOf(method: string, url: string): RouteClass | undefined {
  const path = url.split('?', 1)[0] ?? '';
  if (UNLIMITED.has(path)) return undefined;
  if (ARTIFACT_PATH.test(path)) return 'artifact';
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write';
}

/** One class's permits: running count and the queue of waiting requests. */
export class ClassGate {
  private running = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly limit: ClassLimit) {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves true with a permit held, or false when the request must be turned away. */
  acquire(timeoutMs: number): Promise<boolean> | boolean {
    if (this.running < this.limit.concurrent) {
      this.running++;
      return true;
    }
    if (this.waiting.length >= this.limit.queued) return false;
    return new Promise((resolve) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      this.waiting.push(entry);
    });
  }

  release(): void {
    // hand the permit straight to the next request in line, or give it back
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.running--;
  }
}

export function installConcurrencyLimits(app: FastifyInstance, limits: ConcurrencyLimits): Record<RouteClass, ClassGate> {
  const gates: Record<RouteClass, ClassGate> = {
    read: new ClassGate(limits.read),
    write: new ClassGate(limits.write),
    artifact: new ClassGate(limits.artifact),
  };
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const routeClass = routeClassOf(request.method, request.url);
    if (routeClass === undefined) return;
    const gate = gates[routeClass];
    const admitted = await gate.acquire(limits.queueTimeoutMs);
    if (!admitted) {
      return sendError(reply, new MlflowError(`The server is at its limit of concurrent ${routeClass} requests. Please retry.`, 'TEMPORARILY_UNAVAILABLE'));
    }
    // 'close' fires once the response is sent or the connection is gone, whichever comes first
    let released = false;
    reply.raw.once('close', () => {
      if (released) return;
      released = true;
      gate.release();
    });
    if (!released && (reply.raw.destroyed || request.raw.socket?.destroyed)) {
      released = true;
      gate.release();
    }
    return undefined;
  });
  return gates;
}
