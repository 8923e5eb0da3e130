// The TURN server state machine (RFC 8656), sans I/O: bytes from clients and peers come in, bytes to
// clients and peers go out through the ClientTransport and RelaySocket it is handed. Time comes from
// an injected clock; expiry happens in sweep(), which the caller runs about once a second.
import { randomBytes } from 'node:crypto';
import {
  Attr, StunClass, StunMethod, checkFingerprint, decodeStun, plainAddress, type StunMessage,
} from '../stun/index.ts';
import { decodeChannelData, encodeChannelData, looksLikeChannelData } from '../wire/index.ts';
import { Allocation } from './allocation.ts';
import { handleAllocate, type AllocateContext } from './allocate.ts';
import { PortReservations } from './port-reservations.ts';
import { handleChannelBind, handleCreatePermission, handleRefresh, handleSend } from './allocation-requests.ts';
import { encodeDataIndication } from './data-indication.ts';
import type { ProtocolOptions } from './options.ts';
import { authenticate } from './request-auth.ts';
import { errorResponse, software, successResponse, xorMapped } from './responses.ts';
import { emptyTraffic, type AllocationEndReason, type AllocationInfo, type ClientTransport, type ClientTransportKind, type Remote, type TrafficCounters } from './types.ts';

const METHOD_NAMES: Record<number, string> = {
  [StunMethod.Binding]: 'Binding', [StunMethod.Allocate]: 'Allocate', [StunMethod.Refresh]: 'Refresh',
  [StunMethod.CreatePermission]: 'CreatePermission', [StunMethod.ChannelBind]: 'ChannelBind', [StunMethod.Send]: 'Send',
};

export type TrafficByTransport = Record<ClientTransportKind, TrafficCounters>;

export class TurnProtocol {
  readonly #allocations = new Map<string, Allocation>();
  readonly #pendingAllocations = new Set<string>();
  readonly #perUser = new Map<string, number>();
  /** Ports held for a later Allocate with a RESERVATION-TOKEN (EVEN-PORT R bit). */
  readonly #reservations: PortReservations;
  /** Totals of every allocation, live and ended, by client transport. */
  readonly traffic: TrafficByTransport = { udp: emptyTraffic(), tcp: emptyTraffic(), tls: emptyTraffic() };
  /** Client transports (keys) that passed an authentication check at least once. */
  readonly #authenticated = new Set<string>();
  #nextId = 1;
  #closed = false;

  constructor(readonly options: ProtocolOptions) {
    this.#reservations = new PortReservations(options.mintReservationToken ?? (() => randomBytes(8)));
  }

  get allocationCount(): number {
    return this.#allocations.size;
  }

  /** Relay ports held by EVEN-PORT R-bit reservations, not yet claimed or expired. */
  get reservationCount(): number {
    return this.#reservations.size;
  }

  allocations(): IterableIterator<Allocation> {
    return this.#allocations.values();
  }

  hasAuthenticated(clientKey: string): boolean {
    return this.#authenticated.has(clientKey);
  }

  /**
   * One STUN message or ChannelData frame from a client. `key` names the 5-tuple: unique per UDP
   * listener and remote address, or per TCP/TLS connection. Never throws on bad input.
   */
  handleClientData(transport: ClientTransport, remote: Remote, key: string, data: Buffer): void {
    if (this.#closed) return;
    if (looksLikeChannelData(data)) {
      this.#relayChannelData(key, data);
      return;
    }
    const decoded = decodeStun(data);
    if (!decoded.ok) {
      // Garbage on a datagram transport is dropped (RFC 8489 §6.3); only counted.
      this.options.events?.invalidPacket?.(remote, transport.kind, 'undecodable');
      return;
    }
    const msg = decoded.message;
    if (!checkFingerprint(msg)) {
      this.options.events?.invalidPacket?.(remote, transport.kind, 'bad_fingerprint');
      return;
    }
    if (msg.cls === StunClass.Request) this.#handleRequest(transport, remote, key, msg);
    else if (msg.cls === StunClass.Indication && msg.method === StunMethod.Send) {
      const allocation = this.#allocations.get(key);
      if (allocation) handleSend(this.#allocationContext(allocation), msg);
    }
    // Responses and other indications from clients are ignored.
  }

  #relayChannelData(key: string, data: Buffer): void {
    const allocation = this.#allocations.get(key);
    if (!allocation) return;
    const frame = decodeChannelData(data);
    if (!frame) return;
    const channel = allocation.channelsByNumber.get(frame.channel);
    if (!channel) return;
    allocation.relay.send(frame.data, channel.peer.port, channel.peer.address);
    allocation.traffic.toPeerPackets++;
    allocation.traffic.toPeerBytes += frame.data.length;
  }

  /** A datagram from a peer arriving at an allocation's relay socket. */
  handlePeerData(allocation: Allocation, data: Buffer, from: Remote): void {
    if (allocation.closed || !allocation.permissions.has(from.address)) return;
    const stream = allocation.transport.kind !== 'udp';
    const channel = allocation.channelsByPeer.get(`${from.address}|${from.port}`);
    const out = channel ? encodeChannelData(channel.number, data, stream) : encodeDataIndication(from, data);
    allocation.transport.send(out, allocation.client);
    allocation.traffic.toClientPackets++;
    allocation.traffic.toClientBytes += data.length;
  }

  #handleRequest(transport: ClientTransport, remote: Remote, key: string, msg: StunMessage): void {
    const reply = (bytes: Buffer | undefined) => {
      if (bytes) transport.send(bytes, remote);
    };
    if (msg.method === StunMethod.Binding) {
      reply(successResponse({ request: msg }, [
        xorMapped(remote, msg),
        { type: Attr.MappedAddress, value: plainAddress.encode({ family: remote.address.includes(':') ? 6 : 4, address: remote.address, port: remote.port }) },
        software(),
      ]));
      return;
    }
    const methodName = METHOD_NAMES[msg.method];
    if (!methodName || msg.method === StunMethod.Send) {
      this.#reject(remote, transport.kind, methodName ?? `0x${msg.method.toString(16)}`, 400, 'unknown method');
      reply(errorResponse({ request: msg }, 400, [], 'Bad Request: unknown method'));
      return;
    }
    const now = this.options.now();
    const auth = authenticate(
      { realm: this.options.realm, credentials: this.options.credentials, nonces: this.options.nonces, failures: this.options.authFailures },
      msg, remote.address, now,
    );
    if (!auth.ok) {
      // A rate-limited source is dropped silently: one event per packet would let it flood the logs.
      if (auth.failure && auth.failure !== 'rate-limited') this.options.events?.authFailure?.(remote, transport.kind, auth.failure);
      reply(auth.response);
      return;
    }
    // Only stream connections are tracked (their unauthenticated-timeout asks); they are forgotten
    // when they close. A UDP 5-tuple has no close to forget it by.
    if (transport.kind !== 'udp') this.#authenticated.add(key);
    const existing = this.#allocations.get(key);
    if (msg.method === StunMethod.Allocate) {
      const ctx: AllocateContext = {
        options: this.options, transport, remote, clientKey: key, request: msg, integrityKey: auth.key,
        username: auth.username, now, existing, pending: this.#pendingAllocations, reservations: this.#reservations, reply,
        onPeerData: (a, data, from) => this.handlePeerData(a, data, from),
        reject: (code, reason) => this.#reject(remote, transport.kind, 'Allocate', code, reason),
        userCount: (u) => (this.#perUser.get(u) ?? 0) + this.#reservations.countFor(u),
        total: () => this.#allocations.size + this.#pendingAllocations.size + this.#reservations.size,
        nextId: () => this.#nextId++,
        install: (a) => this.#install(a),
        serverClosed: () => this.#closed,
      };
      void handleAllocate(ctx).catch(() => reply(errorResponse({ request: msg, key: auth.key }, 500)));
      return;
    }
    if (!existing) {
      this.#reject(remote, transport.kind, methodName, 437, 'no allocation for this 5-tuple');
      reply(errorResponse({ request: msg, key: auth.key }, 437));
      return;
    }
    if (existing.username !== auth.username) {
      this.#reject(remote, transport.kind, methodName, 441, 'username differs from the allocation');
      reply(errorResponse({ request: msg, key: auth.key }, 441));
      return;
    }
    const ctx = this.#allocationContext(existing);
    const response: Buffer =
      msg.method === StunMethod.Refresh ? handleRefresh(ctx, msg, auth.key, now)
      : msg.method === StunMethod.CreatePermission ? handleCreatePermission(ctx, msg, auth.key, now)
      : handleChannelBind(ctx, msg, auth.key, now);
    reply(response);
  }

  #allocationContext(allocation: Allocation) {
    return {
      allocation,
      options: this.options,
      reject: (code: number, reason: string, method: string) => this.#reject(allocation.client, allocation.transport.kind, method, code, reason),
      remove: (reason: AllocationEndReason) => this.#remove(allocation, reason),
      refreshed: () => this.options.events?.allocationRefreshed?.(info(allocation)),
    };
  }

  #reject(remote: Remote, kind: ClientTransportKind, method: string, code: number, reason: string): void {
    this.options.events?.requestRejected?.(remote, kind, method, code, reason);
  }

  #install(allocation: Allocation): void {
    this.#allocations.set(allocation.key, allocation);
    this.#perUser.set(allocation.username, (this.#perUser.get(allocation.username) ?? 0) + 1);
    this.options.events?.allocationCreated?.(info(allocation));
  }

  #remove(allocation: Allocation, reason: AllocationEndReason): void {
    if (allocation.closed) return;
    allocation.closed = true;
    allocation.relay.close(); // The port goes back to the pool now, not when the lifetime ends.
    this.#allocations.delete(allocation.key);
    const n = (this.#perUser.get(allocation.username) ?? 1) - 1;
    if (n <= 0) this.#perUser.delete(allocation.username);
    else this.#perUser.set(allocation.username, n);
    const totals = this.traffic[allocation.transport.kind];
    totals.toPeerPackets += allocation.traffic.toPeerPackets;
    totals.toPeerBytes += allocation.traffic.toPeerBytes;
    totals.toClientPackets += allocation.traffic.toClientPackets;
    totals.toClientBytes += allocation.traffic.toClientBytes;
    this.options.events?.allocationDeleted?.(info(allocation), reason, allocation.traffic);
  }

  /** Traffic totals including live allocations' counters. */
  trafficTotals(): TrafficByTransport {
    const out: TrafficByTransport = { udp: { ...this.traffic.udp }, tcp: { ...this.traffic.tcp }, tls: { ...this.traffic.tls } };
    for (const a of this.#allocations.values()) {
      const t = out[a.transport.kind];
      t.toPeerPackets += a.traffic.toPeerPackets;
      t.toPeerBytes += a.traffic.toPeerBytes;
      t.toClientPackets += a.traffic.toClientPackets;
      t.toClientBytes += a.traffic.toClientBytes;
    }
    return out;
  }

  /** A TCP/TLS connection ended: its allocation goes with it (RFC 8656 §5). */
  clientClosed(key: string): void {
    this.#authenticated.delete(key);
    const allocation = this.#allocations.get(key);
    if (allocation) this.#remove(allocation, 'connection closed');
  }

  /** Expires allocations, permissions, channels and port reservations. */
  sweep(): void {
    const now = this.options.now();
    this.#reservations.sweep(now);
    for (const a of this.#allocations.values()) {
      if (a.expiresAtMs <= now) this.#remove(a, 'expired');
      else a.sweep(now);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const a of [...this.#allocations.values()]) this.#remove(a, 'server closed');
    this.#reservations.close();
  }
}

export function info(a: Allocation): AllocationInfo {
  return { id: a.id, username: a.username, transport: a.transport.kind, client: a.client, relay: a.relayedAddress, lifetimeSeconds: a.lifetimeSeconds };
}

