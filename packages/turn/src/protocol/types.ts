// Contracts between the sans-I/O TURN protocol and whatever carries its bytes (src/node, or a test).
import type { TransportAddress } from '../stun/index.ts';

export type ClientTransportKind = 'udp' | 'tcp' | 'tls';

export interface Remote {
  address: string;
  port: number;
}

/** One UDP listening socket, or one accepted TCP/TLS connection. */
export interface ClientTransport {
  readonly kind: ClientTransportKind;
  /** The server's address this transport listens on (the 5-tuple's server side). */
  readonly local: TransportAddress;
  /** True once a TCP/TLS connection has ended (always false for UDP). */
  readonly closed: boolean;
  /** Sends bytes to the client. Stream transports ignore `remote` (the connection has one peer). */
  send(data: Buffer, remote: Remote): void;
}

/** A relay socket bound for one allocation. */
export interface RelaySocket {
  /** The address the socket is bound to (relay IP and port). */
  readonly address: TransportAddress;
  send(data: Buffer, port: number, address: string): void;
  close(): void;
  /** Port + 1, held for a later Allocate: present when the request asked `reserveNextPort`. */
  readonly reservedNext?: ReservedRelayPort;
}

/** A relay port held (bound, its datagrams dropped) until an Allocate claims it or it is released. */
export interface ReservedRelayPort {
  readonly address: TransportAddress;
  /** Turns the held port into the relay socket of a new allocation. Called at most once. */
  claim(onPeerData: (data: Buffer, from: Remote) => void): RelaySocket;
  /** Gives the port back to the pool (the reservation expired, or the server closes). */
  release(): void;
}

export interface RelayRequest {
  family: 4 | 6;
  /** RFC 8656 EVEN-PORT. */
  evenPort: boolean;
  /** EVEN-PORT with the R bit: an even port whose next-higher port is reserved too (implies evenPort). */
  reserveNextPort: boolean;
  /** Called for every datagram a peer sends to the relay socket. */
  onPeerData(data: Buffer, from: Remote): void;
}

/**
 * Opens relay sockets; resolves undefined when none can be had (answered with 508), including when
 * `reserveNextPort` is asked and no free even/odd pair exists.
 */
export type RelayAllocator = (request: RelayRequest) => Promise<RelaySocket | undefined>;

export type AllocationEndReason = 'expired' | 'deleted by client' | 'connection closed' | 'server closed';

export interface AllocationInfo {
  id: number;
  username: string;
  transport: ClientTransportKind;
  client: Remote;
  relay: TransportAddress;
  lifetimeSeconds: number;
}

/** Lifecycle hooks: logs and metrics are attached here, never on the packet path. */
export interface TurnEvents {
  allocationCreated?(info: AllocationInfo): void;
  allocationRefreshed?(info: AllocationInfo): void;
  allocationDeleted?(info: AllocationInfo, reason: AllocationEndReason, traffic: TrafficCounters): void;
  authFailure?(client: Remote, transport: ClientTransportKind, reason: string): void;
  peerDenied?(client: Remote, peer: string, reason: string): void;
  requestRejected?(client: Remote, transport: ClientTransportKind, method: string, code: number, reason: string): void;
  /** A datagram or frame that is not a STUN message this server can read (dropped, RFC 8489 §6.3). */
  invalidPacket?(client: Remote, transport: ClientTransportKind, reason: 'undecodable' | 'bad_fingerprint'): void;
}

export interface TrafficCounters {
  /** Client → peer. */
  toPeerPackets: number;
  toPeerBytes: number;
  /** Peer → client. */
  toClientPackets: number;
  toClientBytes: number;
}

export function emptyTraffic(): TrafficCounters {
  return { toPeerPackets: 0, toPeerBytes: 0, toClientPackets: 0, toClientBytes: 0 };
}
