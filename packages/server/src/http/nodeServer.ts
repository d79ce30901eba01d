/**
 * The Node HTTP server under Fastify, with every timeout that keeps slow or idle clients from
 * holding connections: the request line and headers must arrive within `headersMs` (slowloris
 * sends headers a byte at a time), the whole request within `requestMs`, an idle keep-alive
 * connection is closed after `keepAliveMs`, and a socket silent for `idleMs` is destroyed.
 * Node checks the first two on a timer: it runs often enough for the limits to hold.
 */
import http from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { HttpTimeouts } from '../config/operations.js';

export function timedServerFactory(timeouts: HttpTimeouts): FastifyServerFactory {
  return (handler) => {
    const server = http.createServer(
      {
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        keepAliveTimeout: timeouts.keepAliveMs,
        connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(timeouts.headersMs / 2))),
      },
      handler,
    );
    server.setTimeout(timeouts.idleMs);
    return server;
  };
}
