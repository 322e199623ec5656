import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostForUrl, type Config } from './config.js';

export interface RunningServer {
  /** Where the socket is bound, e.g. `http://127.0.0.1:49152` (the real port when `port` was 0). */
  url: string;
  server: Server;
  /**
   * Stops accepting connections, lets in-flight requests finish, then resolves. Connections still
   * busy after the grace period are cut. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * The request line and headers a request may carry: 64 KiB where node allows 16. A SCIM filter may be
 * 4,096 characters (`DEFAULT_SCIM_LIMITS`), and sent in a GET's query each of them can take twelve
 * bytes percent-encoded (a four-byte UTF-8 character): 48 KiB. Within 16 KiB such a filter was cut off
 * by node with a bare 431 before any SCIM error could say why.
 */
const MAX_HEADER_BYTES = 64 * 1024;

export interface ServerOptions {
  /** How long in-flight requests may run after close(); default 10 s. */
  shutdownGraceMs?: number;
}

export async function startServer(
  app: RequestListener,
  config: Pick<Config, 'host' | 'port'>,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  let closing: Promise<void> | undefined;

  // server.close() only drops connections that are idle at that moment; a keep-alive connection
  // that finishes its request later would stay open until its keep-alive timeout.
  server.on('request', (_req, res) => {
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  await listen(server, config);
  const close = () => (closing ??= shutDown(server, options.shutdownGraceMs ?? 10_000));
  return { url: urlOf(server), server, close };
}

function listen(server: Server, { host, port }: Pick<Config, 'host' | 'port'>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function shutDown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close((err) => {
      clearTimeout(force);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

function urlOf(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${hostForUrl(address)}:${port}`;
}
