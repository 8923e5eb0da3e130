// Options of the sans-I/O protocol. Validated by the server's zod schema before they get here.
import type { CredentialStore, NonceMinter } from '../auth/index.ts';
import type { PeerPolicy, RateLimiter } from '../policy/index.ts';
import type { RelayAllocator, TurnEvents } from './types.ts';

export interface ProtocolOptions {
  realm: string;
  credentials: CredentialStore;
  nonces: NonceMinter;
  peers: PeerPolicy;
  /** Counts auth failures per client IP; a source over the limit is ignored until it cools down. */
  authFailures: RateLimiter;
  allocateRelay: RelayAllocator;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Relay families this server can allocate. */
  relayFamilies: ReadonlySet<4 | 6>;
  /** Maps a relay socket's bound IP to the address advertised to clients (coturn external-ip). */
  advertisedRelayIp?: (boundIp: string) => string;
  defaultLifetimeSeconds: number;
  maxLifetimeSeconds: number;
  permissionLifetimeSeconds: number;
  channelLifetimeSeconds: number;
  /** 0 = unlimited. */
  userQuota: number;
  /** 0 = unlimited. */
  totalQuota: number;
  /** Port reservations (EVEN-PORT R bit) held at once, over all users; more are answered 508. */
  maxPortReservations: number;
  /** 8 unguessable bytes per RESERVATION-TOKEN; default crypto.randomBytes. */
  mintReservationToken?: () => Buffer;
  maxPermissionsPerAllocation: number;
  maxChannelsPerAllocation: number;
  events?: TurnEvents;
}
