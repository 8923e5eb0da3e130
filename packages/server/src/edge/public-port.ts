// The public port: one TCP listener carrying HTTPS (pages, REST, WebSocket signaling), TURN over TLS
// and TCP, and ICE-TCP. Each connection is told apart by its first bytes (first-bytes.ts): a TLS
// ClientHello is terminated with the server's certificate and told apart again inside. Reading first
// bytes is bounded in time and in connections at once (in all and per address), so a stranger's idle
// or garbage connections are closed and cost no more than a slot for a few seconds.
import net from 'node:net';
import tls from 'node:tls';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { LogLimiter } from '../observability/log-limiter.ts';
import { INSIDE_TLS_KINDS, OUTER_KINDS } from './first-bytes.ts';
import { publicPortMetrics, type PublicPortRefusal, type PublicPortRoute } from './metrics.ts';
import { plainHttpRedirects } from './plain-http.ts';
import { sniffFirstBytes } from './sniff.ts';

export interface PublicPortLimits {
  /** How long a connection may take to send its first bytes (and again, after a TLS handshake, its first bytes inside). */
  firstBytesTimeoutMs: number;
  /** Connections whose first bytes are still awaited, at once; more are closed. */
  maxPending: number;
  /** The same from one client address. */
  maxPendingPerAddress: number;
  /**
   * HTTP(S) connections handed to the page server: node applies its header and request timeouts only
   * on a server that listens itself, so an idle one is closed after this long...
   */
  httpIdleMs: number;
  /** ...and one address holds at most this many at once (a browser opens a few). */
  maxHttpPerAddress: number;
}

export const DEFAULT_PUBLIC_PORT_LIMITS: PublicPortLimits = { firstBytesTimeoutMs: 5_000, maxPending: 512, maxPendingPerAddress: 32, httpIdleMs: 30_000, maxHttpPerAddress: 64 };

export interface PublicPortOptions {
  host: string;
  /** 0: chosen by the OS. */
  port: number;
  tls: { cert: string; key: string };
  /** Serves the decrypted HTTP connections (requests and WebSocket upgrades); never listened on itself. */
  https: HttpServer;
  /** TURN over TCP (`secure: false`) or TLS (terminated here); absent: such connections are closed. */
  turn?: (socket: net.Socket, options: { secure: boolean; head: Buffer }) => void;
  /** ICE-TCP (RFC 4571 framing); absent: such connections are closed. The socket is handed over paused. */
  iceTcp?: (socket: net.Socket, head: Buffer) => void;
  logger: Logger;
  registry?: Registry;
  limits?: Partial<PublicPortLimits>;
}

export interface PublicPort {
  readonly port: number;
  /** Connections whose first bytes are still awaited. */
  readonly pending: number;
  /** Stops listening and closes every connection it accepted (run it after signaling, media and TURN have said goodbye on theirs). */
  close(): Promise<void>;
}

export async function listenPublicPort(options: PublicPortOptions): Promise<PublicPort> {
  const limits = { ...DEFAULT_PUBLIC_PORT_LIMITS, ...options.limits };
  const log = options.logger.child({ component: 'public-port' });
  // What strangers can cause is logged at debug level, and even then a few lines a second per kind.
  const limited = new LogLimiter(log);
  const metrics = publicPortMetrics(options.registry);
  const secureContext = tls.createSecureContext(options.tls);
  const redirects = plainHttpRedirects(limits.firstBytesTimeoutMs);
  /** Every connection accepted and not yet closed, wherever it went: close() ends them all. */
  const connections = new Set<net.Socket>();
  const pending = new Set<net.Socket>();
  const pendingPerAddress = new Map<string, number>();

  const refuse = (socket: net.Socket, reason: PublicPortRefusal) => {
    metrics.refused(reason);
    limited.debug(`refused_${reason}`, { remote: socket.remoteAddress, reason }, 'public port: connection refused');
    socket.destroy();
  };
  /** Holds a pending slot for `raw` until `release()` or its close. */
  const holdSlot = (raw: net.Socket): (() => void) => {
    const ip = raw.remoteAddress ?? '';
    pending.add(raw);
    pendingPerAddress.set(ip, (pendingPerAddress.get(ip) ?? 0) + 1);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      pending.delete(raw);
      const left = (pendingPerAddress.get(ip) ?? 1) - 1;
      if (left <= 0) pendingPerAddress.delete(ip);
      else pendingPerAddress.set(ip, left);
    };
    raw.once('close', release);
    return release;
  };
  const route = (route: PublicPortRoute) => metrics.accepted(route);

  const insideTls = (raw: net.Socket, release: () => void) => {
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext });
    // The TLS socket now owns the connection: destroying the raw one would not end it.
    connections.add(secure);
    secure.once('close', () => connections.delete(secure));
    secure.on('error', (err) => {
      // A failed handshake (or a reset) is the client's business: count it while it was still ours.
      if (pending.has(raw)) refuse(secure, 'tls_handshake');
      limited.debug('tls_error', { remote: raw.remoteAddress, err: err.message }, 'public port: TLS error');
    });
    // The deadline runs from here: handshake and first bytes inside, as one.
    sniffFirstBytes(secure, INSIDE_TLS_KINDS, limits.firstBytesTimeoutMs, ({ kind, head }) => {
      release();
      if (kind === 'http') {
        route('https');
        serveHttp(secure, raw.remoteAddress ?? '', options.https, head);
      } else if (kind === 'turn' && options.turn) {
        route('turn_tls');
        options.turn(secure, { secure: true, head });
      } else if (kind !== 'closed') {
        refuse(secure, kind === 'timeout' ? 'timeout' : kind === 'turn' ? 'unavailable' : 'unknown');
      }
    });
  };

  const httpPerAddress = new Map<string, number>();
  /** Hands an HTTP(S) connection to `server`, within the per-address bound and the idle timeout. */
  const serveHttp = (socket: net.Socket, ip: string, server: { emit(event: 'connection', socket: net.Socket): boolean }, head: Buffer): void => {
    const held = httpPerAddress.get(ip) ?? 0;
    if (held >= limits.maxHttpPerAddress) return refuse(socket, 'busy_address');
    httpPerAddress.set(ip, held + 1);
    socket.once('close', () => {
      const left = (httpPerAddress.get(ip) ?? 1) - 1;
      if (left > 0) httpPerAddress.set(ip, left);
      else httpPerAddress.delete(ip);
    });
    socket.setTimeout(limits.httpIdleMs, () => socket.destroy());
    socket.unshift(head);
    server.emit('connection', socket);
    socket.resume();
  };

  const onConnection = (raw: net.Socket) => {
    raw.on('error', () => undefined);
    connections.add(raw);
    raw.once('close', () => connections.delete(raw));
    const ip = raw.remoteAddress ?? '';
    if (pending.size >= limits.maxPending) return refuse(raw, 'busy');
    if ((pendingPerAddress.get(ip) ?? 0) >= limits.maxPendingPerAddress) return refuse(raw, 'busy_address');
    const release = holdSlot(raw);
    sniffFirstBytes(raw, OUTER_KINDS, limits.firstBytesTimeoutMs, ({ kind, head }) => {
      switch (kind) {
        case 'tls':
          // The TLS socket reads what was already read first (the ClientHello).
          raw.unshift(head);
          insideTls(raw, release);
          return;
        case 'turn':
          release();
          if (!options.turn) return refuse(raw, 'unavailable');
          route('turn_tcp');
          options.turn(raw, { secure: false, head });
          return;
        case 'ice-tcp':
          release();
          if (!options.iceTcp) return refuse(raw, 'unavailable');
          route('ice_tcp');
          options.iceTcp(raw, head);
          return;
        case 'http':
          release();
          route('http_redirect');
          serveHttp(raw, ip, redirects, head);
          return;
        case 'closed':
          release();
          return;
        default:
          release();
          refuse(raw, kind);
      }
    });
  };

  const server = net.createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.warn({ err }, 'public port error'));
  const port = (server.address() as net.AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    get pending() {
      return pending.size;
    },
    close: () => (closing ??= new Promise<void>((resolve) => {
      // The listener's close waits for every connection it accepted, handed over or not.
      server.close(() => resolve());
      for (const socket of connections) socket.destroy();
      limited.flush();
    })),
  };
}
