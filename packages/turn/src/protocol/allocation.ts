// One allocation (RFC 8656 §2.2): a relay socket owned by a client 5-tuple, with its permissions
// (by peer IP) and channel bindings (by number and by peer transport address).
import type { TransportAddress } from '../stun/index.ts';
import { emptyTraffic, type ClientTransport, type Remote, type RelaySocket, type TrafficCounters } from './types.ts';

export interface Channel {
  number: number;
  peer: Remote;
  expiresAtMs: number;
}

export class Allocation {
  /** Permission expiry by peer IP (canonical text). */
  readonly permissions = new Map<string, number>();
  readonly channelsByNumber = new Map<number, Channel>();
  /** Channels by "ip|port" of the peer. */
  readonly channelsByPeer = new Map<string, Channel>();
  readonly traffic: TrafficCounters = emptyTraffic();
  expiresAtMs: number;
  lifetimeSeconds: number;
  closed = false;

  constructor(
    readonly id: number,
    readonly key: string,
    readonly transport: ClientTransport,
    readonly client: Remote,
    readonly username: string,
    /** HMAC key of the credentials that created it; answers to later requests use it. */
    readonly integrityKey: Buffer,
    readonly relay: RelaySocket,
    /** The relayed address told to the client (the relay socket's, or the external IP's). */
    readonly relayedAddress: TransportAddress,
    readonly allocateTransactionId: string,
    readonly allocateResponse: Buffer,
    lifetimeSeconds: number,
    nowMs: number,
  ) {
    this.lifetimeSeconds = lifetimeSeconds;
    this.expiresAtMs = nowMs + lifetimeSeconds * 1000;
  }

  hasPermission(peerIp: string): boolean {
    return this.permissions.has(peerIp);
  }

  /** Removes expired permissions and channels. */
  sweep(nowMs: number): void {
    for (const [ip, expires] of this.permissions) if (expires <= nowMs) this.permissions.delete(ip);
    for (const [num, ch] of this.channelsByNumber) {
      if (ch.expiresAtMs <= nowMs) {
        this.channelsByNumber.delete(num);
        this.channelsByPeer.delete(peerKey(ch.peer.address, ch.peer.port));
      }
    }
  }
}

export function peerKey(address: string, port: number): string {
  return `${address}|${port}`;
}
