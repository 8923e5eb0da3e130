// Relay sockets: one UDP socket per allocation, on a port from [minPort, maxPort]. A port is back
// in the pool as soon as its socket closes (coturn holds it until the lifetime ends: issue 1568).
import dgram from 'node:dgram';
import type { RelayAllocator, RelayRequest, RelaySocket } from '../protocol/index.ts';
import type { TransportAddress } from '../stun/index.ts';

export interface RelayAllocatorOptions {
  /** IP to bind relay sockets to, per family. */
  relayIps: { 4?: string; 6?: string };
  minPort: number;
  maxPort: number;
  /** Kernel receive buffer per relay socket, bytes (0 = system default). */
  receiveBufferBytes?: number;
  onSocketError?(error: Error, address: TransportAddress): void;
}

export interface PortPool {
  readonly inUse: number;
  readonly capacity: number;
}

export function createRelayAllocator(options: RelayAllocatorOptions): { allocate: RelayAllocator; pool: PortPool } {
  const used = new Set<number>();
  const capacity = options.maxPort - options.minPort + 1;

  function candidatePort(even: boolean): number | undefined {
    // Random probing, then a linear scan when the pool is nearly full.
    for (let i = 0; i < 32; i++) {
      let p = options.minPort + Math.floor(Math.random() * capacity);
      if (even && p % 2 === 1) p = p + 1 <= options.maxPort ? p + 1 : p - 1;
      if (p >= options.minPort && !used.has(p)) return p;
    }
    for (let p = options.minPort; p <= options.maxPort; p++) if (!used.has(p) && (!even || p % 2 === 0)) return p;
    return undefined;
  }

  function bind(family: 4 | 6, ip: string, port: number, request: RelayRequest): Promise<RelaySocket | 'in-use' | undefined> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', ...(options.receiveBufferBytes ? { recvBufferSize: options.receiveBufferBytes } : {}) });
      let bound = false;
      let closed = false;
      const address: TransportAddress = { family, address: ip, port };
      socket.once('error', (err: NodeJS.ErrnoException) => {
        if (!bound) {
          socket.close();
          resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? 'in-use' : undefined);
        }
      });
      socket.bind(port, ip, () => {
        bound = true;
        used.add(port);
        socket.on('error', (err) => options.onSocketError?.(err, address));
        socket.on('message', (msg, rinfo) => {
          if (rinfo.port !== 0) request.onPeerData(msg, rinfo);
        });
        resolve({
          address,
          send(data, peerPort, peerAddress) {
            if (closed) return;
            try {
              socket.send(data, peerPort, peerAddress);
            } catch {
              // An unusable peer address drops this datagram; the protocol refuses port 0 before here.
            }
          },
          close() {
            if (closed) return;
            closed = true;
            used.delete(port);
            socket.close();
          },
        });
      });
    });
  }

  const allocate: RelayAllocator = async (request) => {
    const ip = options.relayIps[request.family];
    if (!ip) return undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const port = candidatePort(request.evenPort);
      if (port === undefined) return undefined;
      used.add(port); // Reserve while binding so concurrent allocations don't pick it.
      const result = await bind(request.family, ip, port, request);
      if (typeof result === 'object') return result;
      used.delete(port);
      if (result === undefined) return undefined;
      // 'in-use': another process holds the port; try another one.
    }
    return undefined;
  };

  return { allocate, pool: { get inUse() { return used.size; }, capacity } };
}
