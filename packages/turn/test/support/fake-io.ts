// A TurnProtocol wired to fake transports, relay sockets and a clock the test moves by hand.
import { createCredentialStore, createNonceMinter } from '../../src/auth/index.ts';
import { PeerPolicy, RateLimiter, type PeerPolicyOptions } from '../../src/policy/index.ts';
import { TurnProtocol, type ClientTransport, type ProtocolOptions, type Remote, type RelayRequest, type RelaySocket, type TurnEvents } from '../../src/protocol/index.ts';

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
  constructor(readonly address: { family: 4 | 6; address: string; port: number }, readonly request: RelayRequest) {}
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

export interface Harness {
  protocol: TurnProtocol;
  clock: { now: number };
  relays: FakeRelay[];
  events: { kind: string; detail: unknown[] }[];
  /** When false, the relay allocator has no port to give. */
  relayAvailable: { value: boolean };
}

export function createHarness(overrides: Partial<ProtocolOptions> & { policy?: PeerPolicyOptions; secret?: string } = {}): Harness {
  const clock = { now: 1_700_000_000_000 };
  const relays: FakeRelay[] = [];
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
      const relay = new FakeRelay({ family: request.family, address: request.family === 4 ? '203.0.113.5' : '2001:db8::5', port: nextPort++ }, request);
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
    maxPermissionsPerAllocation: 8,
    maxChannelsPerAllocation: 8,
    events: eventHooks,
    ...rest,
  });
  return { protocol, clock, relays, events, relayAvailable };
}

/** Lets pending promise callbacks (the relay allocation) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
