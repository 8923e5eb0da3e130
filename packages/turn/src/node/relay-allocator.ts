// Relay sockets: one UDP socket per allocation, on a port from [minPort, maxPort]. A port is back
// in the pool as soon as its socket closes (coturn holds it until the lifetime ends: issue 1568).
// EVEN-PORT with the R bit binds an even port and the one above it; the upper socket drops what it
// receives until an Allocate claims it with the RESERVATION-TOKEN (or the reservation is released).
import type dgram from 'node:dgram';
import type { RelayAllocator, RelayRequest, RelaySocket, Remote, ReservedRelayPort } from '../protocol/index.ts';
import type { TransportAddress } from '../stun/index.ts';
import { findFreePort } from './port-search.ts';
import { createUdpSocket } from './udp-socket.ts';

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
  /** Ports bound or being bound, reserved ones included. */
  readonly inUse: number;
  readonly capacity: number;
}

type PeerDataHandler = (data: Buffer, from: Remote) => void;
type BindResult = { socket: dgram.Socket } | 'in-use' | 'failed';

/** Binds and rebinds at most this many times per Allocate when another process holds a port. */
const BIND_ATTEMPTS = 8;

export function createRelayAllocator(options: RelayAllocatorOptions): { allocate: RelayAllocator; pool: PortPool } {
  const used = new Set<number>();
  const capacity = options.maxPort - options.minPort + 1;

  function bindPort(family: 4 | 6, ip: string, port: number): Promise<BindResult> {
    return new Promise((resolve) => {
      const socket = createUdpSocket(family, options.receiveBufferBytes);
      const onError = (err: NodeJS.ErrnoException) => {
        socket.close();
        resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? 'in-use' : 'failed');
      };
      socket.once('error', onError);
      socket.bind(port, ip, () => {
        socket.off('error', onError);
        resolve({ socket });
      });
    });
  }

  /** Wraps a bound socket; datagrams go to `onPeerData` once one is set (a reserved port has none yet). */
  function relaySocket(socket: dgram.Socket, address: TransportAddress, onPeerData: PeerDataHandler | undefined, reservedNext?: ReservedRelayPort) {
    let closed = false;
    let deliver = onPeerData;
    socket.on('error', (err) => options.onSocketError?.(err, address));
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port !== 0) deliver?.(msg, rinfo);
    });
    const relay: RelaySocket & { listen(handler: PeerDataHandler): void } = {
      address,
      ...(reservedNext ? { reservedNext } : {}),
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
        used.delete(address.port);
        socket.close();
      },
      listen(handler) {
        deliver = handler;
      },
    };
    return relay;
  }

  function reservation(socket: dgram.Socket, address: TransportAddress): ReservedRelayPort {
    const held = relaySocket(socket, address, undefined);
    return {
      address,
      claim(onPeerData) {
        held.listen(onPeerData);
        return held;
      },
      release: () => held.close(),
    };
  }

  const allocate: RelayAllocator = async (request: RelayRequest) => {
    const ip = options.relayIps[request.family];
    if (!ip) return undefined;
    const shape = request.reserveNextPort ? 'pair' : request.evenPort ? 'even' : 'any';
    for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      const port = findFreePort(used, options, shape);
      if (port === undefined) return undefined;
      const ports = shape === 'pair' ? [port, port + 1] : [port];
      for (const p of ports) used.add(p); // Taken while binding, so concurrent allocations don't pick them.
      const results = await Promise.all(ports.map((p) => bindPort(request.family, ip, p)));
      const [main, next] = results;
      if (results.every((r) => typeof r === 'object')) {
        const at = (p: number): TransportAddress => ({ family: request.family, address: ip, port: p });
        const reservedNext = next && typeof next === 'object' ? reservation(next.socket, at(port + 1)) : undefined;
        return relaySocket((main as { socket: dgram.Socket }).socket, at(port), request.onPeerData, reservedNext);
      }
      for (const r of results) if (typeof r === 'object') r.socket.close();
      for (const p of ports) used.delete(p);
      if (results.includes('failed')) return undefined;
      // 'in-use': another process holds a port; try other ones.
    }
    return undefined;
  };

  return { allocate, pool: { get inUse() { return used.size; }, capacity } };
}
