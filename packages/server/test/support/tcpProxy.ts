/**
 * A TCP proxy the fault tests put between the server and a real dependency (MariaDB,
 * PostgreSQL, s3rver), to fail the network the way it fails in production:
 * - `cut()`: every open connection is reset and new ones are accepted and closed at once
 *   (the database restarted, or a firewall rejects);
 * - `stall()`: open connections stop carrying bytes and new ones are accepted but never
 *   answered (a partition: packets vanish, nothing is refused);
 * - `restore()`: new connections reach the dependency again (stalled ones are dropped).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'open' | 'cut' | 'stall';

export interface TcpProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  /** Connections accepted so far (to tell that the server really went through the proxy). */
  readonly accepted: number;
  cut(): void;
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'open';
  let accepted = 0;
  const pairs = new Set<{ client: net.Socket; upstream?: net.Socket }>();
  const drop = (pair: { client: net.Socket; upstream?: net.Socket }) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };
  const server = net.createServer((client) => {
    accepted++;
    client.on('error', () => undefined);
    if (mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const pair: { client: net.Socket; upstream?: net.Socket } = { client };
    pairs.add(pair);
    client.on('close', () => drop(pair));
    if (mode === 'stall') return; // held open, never forwarded
    const upstream = net.connect(targetPort, targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => drop(pair));
    upstream.on('close', () => drop(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      mode = 'cut';
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        drop(pair);
      }
    },
    stall() {
      mode = 'stall';
      for (const { client, upstream } of pairs) {
        if (!upstream) continue;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore() {
      if (mode === 'stall') for (const pair of [...pairs]) drop(pair);
      mode = 'open';
    },
    async close() {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The same database URI with its host and port replaced by the proxy's. */
export function viaProxy(uri: string, proxy: TcpProxy): string {
  const u = new URL(uri);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}
