// TCP and TLS listeners (RFC 8656 §5): each connection is one 5-tuple; its byte stream is framed into
// STUN messages and ChannelData. A connection that never authenticates is closed after a timeout, and
// a client that can't keep up loses relayed packets instead of growing our buffers.
import net from 'node:net';
import tls from 'node:tls';
import type { ClientTransport, TurnProtocol } from '../protocol/index.ts';
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

export interface StreamListenerOptions {
  protocol: TurnProtocol;
  ip: string;
  port: number;
  id: string;
  limits: StreamLimits;
  /** Present for TLS. */
  tls?: tls.SecureContextOptions;
  onConnectionError?(error: Error, remote: string): void;
}

export async function listenStream(options: StreamListenerOptions): Promise<StreamListener> {
  const { protocol, limits } = options;
  const kind = options.tls ? 'tls' : 'tcp';
  const sockets = new Set<net.Socket>();
  let nextConnection = 1;
  const local: TransportAddress = { family: options.ip.includes(':') ? 6 : 4, address: options.ip, port: options.port };

  const onSocket = (socket: net.Socket) => {
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
        socket.write(data);
      },
    };
    const timer = setTimeout(() => {
      if (!protocol.hasAuthenticated(key)) socket.destroy();
    }, limits.unauthenticatedTimeoutMs);
    timer.unref();
    socket.on('data', (chunk: Buffer) => {
      const error = framer.push(chunk, (frame) => {
        protocol.handleClientData(transport, remote, key, frame.bytes);
        if (!fullLimit && protocol.hasAuthenticated(key)) {
          fullLimit = true;
          framer.setLimit(limits.maxFrameBytes);
        }
      });
      if (error) socket.destroy();
    });
    socket.on('error', (err) => options.onConnectionError?.(err, `${remote.address}:${remote.port}`));
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      sockets.delete(socket);
      protocol.clientClosed(key);
    });
  };

  const server = options.tls
    ? tls.createServer({ ...options.tls, handshakeTimeout: limits.unauthenticatedTimeoutMs }, onSocket)
    : net.createServer(onSocket);
  server.maxConnections = limits.maxConnections;
  // Counted at TCP accept (before any TLS handshake): one address cannot take every slot.
  const perIp = new Map<string, number>();
  server.prependListener('connection', (raw: net.Socket) => {
    const ip = raw.remoteAddress ?? '';
    const count = (perIp.get(ip) ?? 0) + 1;
    if (count > limits.maxConnectionsPerIp) {
      raw.destroy();
      return;
    }
    perIp.set(ip, count);
    raw.once('close', () => {
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left <= 0) perIp.delete(ip);
      else perIp.set(ip, left);
    });
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
