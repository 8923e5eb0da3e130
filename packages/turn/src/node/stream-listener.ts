// TCP and TLS listeners (RFC 8656 §5): each connection is one 5-tuple; its byte stream is framed into
// STUN messages and ChannelData. A connection that never authenticates is closed after a timeout, and
// a client that can't keep up loses relayed packets instead of growing our buffers.
// The same connection handling serves sockets accepted elsewhere (a TCP port shared with other
// protocols): see createStreamAcceptor.
import net from 'node:net';
import tls from 'node:tls';
import type { ClientTransport, ClientTransportKind, TurnProtocol } from '../protocol/index.ts';
import type { TransportAddress } from '../stun/index.ts';
import { StreamFramer } from '../wire/index.ts';

export interface StreamLimits {
  /** Close connections that have not authenticated after this long. */
  unauthenticatedTimeoutMs: number;
  /** Most concurrent connections per listener. */
  maxConnections: number;
  /** Most concurrent connections from one client address per listener. */
  maxConnectionsPerIp: number;
  /** Largest STUN message or ChannelData frame accepted. */
  maxFrameBytes: number;
  /** Relayed data to a client is dropped while this many bytes wait in its socket. */
  maxPendingWriteBytes: number;
}

/** Largest frame accepted before the connection has authenticated. */
export const UNAUTHENTICATED_FRAME_BYTES = 4096;

export interface StreamListener {
  readonly address: TransportAddress;
  readonly connections: number;
  close(): Promise<void>;
}

interface ConnectionOptions {
  protocol: TurnProtocol;
  kind: Exclude<ClientTransportKind, 'udp'>;
  /** Prefix of the connection keys the protocol sees; unique per listener or acceptor. */
  id: string;
  limits: StreamLimits;
  onConnectionError?(error: Error, remote: string): void;
}

export interface StreamListenerOptions extends Omit<ConnectionOptions, 'kind'> {
  ip: string;
  port: number;
  /** Present for TLS. */
  tls?: tls.SecureContextOptions;
}

/** Counts live connections per client address; a connection over the limit is not admitted. */
function perAddressCounter(limit: number): (socket: net.Socket) => boolean {
  const perIp = new Map<string, number>();
  return (socket) => {
    const ip = socket.remoteAddress ?? '';
    const count = (perIp.get(ip) ?? 0) + 1;
    if (count > limit) return false;
    perIp.set(ip, count);
    socket.once('close', () => {
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left <= 0) perIp.delete(ip);
      else perIp.set(ip, left);
    });
    return true;
  };
}

/**
 * Writes to TCP connections corked until the end of the event-loop turn, so the packets relayed to a
 * connection in one turn leave in one writev instead of one write syscall each (the syscalls were
 * most of a TCP flood's CPU: docs/performance.md). Not used for TLS: there it would pack several
 * ChannelData frames into one TLS record, which coturn's turnutils_uclient miscounts.
 */
function turnWriteBatcher() {
  const corked = new Set<net.Socket>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const socket of corked) socket.uncork();
    corked.clear();
  };
  return (socket: net.Socket, data: Buffer) => {
    if (!corked.has(socket)) {
      socket.cork();
      corked.add(socket);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }
    socket.write(data);
  };
}

/** Serves TURN on accepted stream connections (TLS, if any, already terminated). */
function streamConnections(options: ConnectionOptions) {
  const { protocol, limits, kind } = options;
  const sockets = new Set<net.Socket>();
  const write = kind === 'tcp' ? turnWriteBatcher() : (socket: net.Socket, data: Buffer) => void socket.write(data);
  let nextConnection = 1;

  const serve = (socket: net.Socket, local: TransportAddress, head?: Buffer) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const key = `${options.id}|${nextConnection++}`;
    // Until the client authenticates it can only send small STUN requests (an Allocate is < 1 KB):
    // a stranger cannot make us hold 64 KB per connection.
    const framer = new StreamFramer(Math.min(limits.maxFrameBytes, UNAUTHENTICATED_FRAME_BYTES));
    let fullLimit = false;
    let closed = false;
    const transport: ClientTransport = {
      kind,
      local,
      get closed() {
        return closed;
      },
      send(data) {
        if (closed || socket.writableLength > limits.maxPendingWriteBytes) return;
        write(socket, data);
      },
    };
    const timer = setTimeout(() => {
      if (!protocol.hasAuthenticated(key)) socket.destroy();
    }, limits.unauthenticatedTimeoutMs);
    timer.unref();
    const onData = (chunk: Buffer) => {
      if (closed) return;
      const error = framer.push(chunk, (frame) => {
        protocol.handleClientData(transport, remote, key, frame.bytes);
        if (!fullLimit && protocol.hasAuthenticated(key)) {
          fullLimit = true;
          framer.setLimit(limits.maxFrameBytes);
        }
      });
      if (error) socket.destroy();
    };
    socket.on('error', (err) => options.onConnectionError?.(err, `${remote.address}:${remote.port}`));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      sockets.delete(socket);
      protocol.clientClosed(key);
    });
    if (head && head.length > 0) onData(head);
    socket.on('data', onData);
    // A socket handed over by a demultiplexer may have been paused while it was read.
    socket.resume();
  };
  return { sockets, serve };
}

export async function listenStream(options: StreamListenerOptions): Promise<StreamListener> {
  const { limits } = options;
  const kind = options.tls ? 'tls' : 'tcp';
  const local: TransportAddress = { family: options.ip.includes(':') ? 6 : 4, address: options.ip, port: options.port };
  const { sockets, serve } = streamConnections({ ...options, kind });

  const server = options.tls
    ? tls.createServer({ ...options.tls, handshakeTimeout: limits.unauthenticatedTimeoutMs }, (s) => serve(s, local))
    : net.createServer((s) => serve(s, local));
  server.maxConnections = limits.maxConnections;
  // Counted at TCP accept (before any TLS handshake): one address cannot take every slot.
  const admit = perAddressCounter(limits.maxConnectionsPerIp);
  server.prependListener('connection', (raw: net.Socket) => {
    if (!admit(raw)) raw.destroy();
  });
  // A failed TLS handshake is the client's problem, not a server error.
  server.on('tlsClientError', (err, socket) => {
    options.onConnectionError?.(err, `${socket.remoteAddress}:${socket.remotePort}`);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.ip, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const addr = server.address() as net.AddressInfo;
  local.port = addr.port;
  local.address = addr.address;

  return {
    address: local,
    get connections() {
      return sockets.size;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface StreamAcceptor {
  /**
   * Serves a connection accepted by someone else, as a listener of this kind would: `head` holds the
   * bytes already read from it. Over the limits (or after close) the socket is destroyed.
   */
  accept(socket: net.Socket, head?: Buffer): void;
  readonly connections: number;
  /** Destroys every connection; later ones are refused. */
  close(): void;
}

/**
 * Connections handed over from a port this server does not own, with the limits of one listener of
 * their own (a shared port's clients do not take the slots of the dedicated listeners).
 */
export function createStreamAcceptor(options: ConnectionOptions): StreamAcceptor {
  const { sockets, serve } = streamConnections(options);
  const admit = perAddressCounter(options.limits.maxConnectionsPerIp);
  let closed = false;
  return {
    accept(socket, head) {
      if (closed || sockets.size >= options.limits.maxConnections || !admit(socket)) {
        socket.destroy();
        return;
      }
      const local: TransportAddress = { family: net.isIPv6(socket.localAddress ?? '') ? 6 : 4, address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
      serve(socket, local, head);
    },
    get connections() {
      return sockets.size;
    },
    close() {
      closed = true;
      for (const s of sockets) s.destroy();
    },
  };
}
