// A TurnProtocol wired to fake transports, relay sockets and a clock the test moves by hand.
import { createCredentialStore, createNonceMinter } from '../../src/auth/index.ts';
import { PeerPolicy, RateLimiter, type PeerPolicyOptions } from '../../src/policy/index.ts';
import assert from 'node:assert/strict';
import type { OutgoingAttribute } from '../../src/stun/index.ts';
import { readResponse, requests, type Credentials, type ReadResponse } from './turn-messages.ts';
import { TurnProtocol, type ClientTransport, type ProtocolOptions, type Remote, type RelayRequest, type RelaySocket, type ReservedRelayPort, type TurnEvents } from '../../src/protocol/index.ts';

export class FakeClientTransport implements ClientTransport {
  readonly sent: { data: Buffer; remote: Remote }[] = [];
  closed = false;
  readonly local = { family: 4 as const, address: '192.0.2.10', port: 3478 };
  constructor(readonly kind: 'udp' | 'tcp' | 'tls' = 'udp') {}
  send(data: Buffer, remote: Remote): void {
    this.sent.push({ data: Buffer.from(data), remote });
  }
  /** Removes and returns what was sent so far. */
  take(): Buffer[] {
    return this.sent.splice(0).map((s) => s.data);
  }
}

export class FakeRelay implements RelaySocket {
  readonly sent: { data: Buffer; port: number; address: string }[] = [];
  closed = false;
  reservedNext?: FakeReservedPort;
  constructor(readonly address: { family: 4 | 6; address: string; port: number }, public request: Pick<RelayRequest, 'onPeerData'> & Partial<RelayRequest>) {}
  send(data: Buffer, port: number, address: string): void {
    this.sent.push({ data: Buffer.from(data), port, address });
  }
  close(): void {
    this.closed = true;
  }
  /** A datagram from a peer arrives at this relay. */
  fromPeer(data: Buffer, address: string, port: number): void {
    this.request.onPeerData(data, { address, port });
  }
}

/** Port + 1 held for a RESERVATION-TOKEN: claimed into a FakeRelay, or released. */
export class FakeReservedPort implements ReservedRelayPort {
  state: 'held' | 'claimed' | 'released' = 'held';
  claimedBy?: FakeRelay;
  constructor(readonly address: { family: 4 | 6; address: string; port: number }, private readonly relays: FakeRelay[]) {}
  claim(onPeerData: (data: Buffer, from: Remote) => void): FakeRelay {
    if (this.state !== 'held') throw new Error(`claim() of a ${this.state} reservation`);
    this.state = 'claimed';
    this.claimedBy = new FakeRelay(this.address, { onPeerData });
    this.relays.push(this.claimedBy);
    return this.claimedBy;
  }
  release(): void {
    if (this.state !== 'held') throw new Error(`release() of a ${this.state} reservation`);
    this.state = 'released';
  }
}

export interface Harness {
  protocol: TurnProtocol;
  clock: { now: number };
  relays: FakeRelay[];
  /** Every port reserved by an EVEN-PORT R-bit Allocate, in order. */
  reserved: FakeReservedPort[];
  events: { kind: string; detail: unknown[] }[];
  /** When false, the relay allocator has no port to give. */
  relayAvailable: { value: boolean };
}

export function createHarness(overrides: Partial<ProtocolOptions> & { policy?: PeerPolicyOptions; secret?: string } = {}): Harness {
  const clock = { now: 1_700_000_000_000 };
  const relays: FakeRelay[] = [];
  const reserved: FakeReservedPort[] = [];
  const events: Harness['events'] = [];
  const relayAvailable = { value: true };
  const record = (kind: string) => (...detail: unknown[]) => events.push({ kind, detail });
  const eventHooks: TurnEvents = {
    allocationCreated: record('created'),
    allocationDeleted: record('deleted'),
    authFailure: record('auth-failure'),
    peerDenied: record('peer-denied'),
    requestRejected: record('rejected'),
  };
  let nextPort = 50000;
  const { policy, secret, ...rest } = overrides;
  const protocol = new TurnProtocol({
    realm: 'test',
    credentials: createCredentialStore({ realm: 'test', users: [{ username: 'alice', password: 'secret' }, { username: 'bob', password: 'pw' }], authSecrets: secret ? [secret] : [] }),
    nonces: createNonceMinter({ lifetimeSeconds: 600 }),
    peers: new PeerPolicy(policy ?? {}),
    authFailures: new RateLimiter({ burst: 5, perSecond: 1, maxKeys: 1000 }),
    allocateRelay: async (request) => {
      if (!relayAvailable.value) return undefined;
      const address = request.family === 4 ? '203.0.113.5' : '2001:db8::5';
      if (request.evenPort && nextPort % 2 === 1) nextPort++;
      const relay = new FakeRelay({ family: request.family, address, port: nextPort++ }, request);
      if (request.reserveNextPort) {
        relay.reservedNext = new FakeReservedPort({ family: request.family, address, port: nextPort++ }, relays);
        reserved.push(relay.reservedNext);
      }
      relays.push(relay);
      return relay;
    },
    now: () => clock.now,
    relayFamilies: new Set([4]),
    defaultLifetimeSeconds: 600,
    maxLifetimeSeconds: 3600,
    permissionLifetimeSeconds: 300,
    channelLifetimeSeconds: 600,
    userQuota: 0,
    totalQuota: 0,
    maxPortReservations: 100,
    maxPermissionsPerAllocation: 8,
    maxChannelsPerAllocation: 8,
    events: eventHooks,
    ...rest,
  });
  return { protocol, clock, relays, reserved, events, relayAvailable };
}

/** Lets pending promise callbacks (the relay allocation) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The client most protocol tests speak as, and its 5-tuple key. */
export const CLIENT: Remote = { address: '198.51.100.7', port: 40000 };
export const CLIENT_KEY = 'u|198.51.100.7|40000';

/** Sends a request and returns the one response it produced. */
export async function exchange(h: Harness, t: FakeClientTransport, bytes: Buffer, remote = CLIENT, key = CLIENT_KEY): Promise<ReadResponse> {
  h.protocol.handleClientData(t, remote, key, bytes);
  await settle();
  const out = t.take();
  assert.equal(out.length, 1, `expected one response, got ${out.length}`);
  return readResponse(out[0]!);
}

/** Runs the 401 challenge, then an authenticated Allocate with `extra` attributes; returns the credentials with the nonce. */
export async function allocate(
  h: Harness, t: FakeClientTransport, user = { username: 'alice', password: 'secret' }, remote = CLIENT, key = CLIENT_KEY, extra: OutgoingAttribute[] = [],
): Promise<{ creds: Credentials; response: ReadResponse }> {
  const challenge = await exchange(h, t, requests.allocate().bytes, remote, key);
  assert.equal(challenge.code, 401);
  const creds: Credentials = { ...user, realm: challenge.realm!, nonce: challenge.nonce! };
  return { creds, response: await exchange(h, t, requests.allocate(creds, extra).bytes, remote, key) };
}
