// Allocate (RFC 8656 §7.2), after authentication has passed.
import { Attr, getAttribute, u32, xorAddress, type StunMessage, type TransportAddress } from '../stun/index.ts';
import { PROTOCOL_UDP, evenPort, requestedAddressFamily, requestedTransport, reservationToken } from '../wire/index.ts';
import { Allocation } from './allocation.ts';
import type { ProtocolOptions } from './options.ts';
import type { PortReservation, PortReservations } from './port-reservations.ts';
import { errorResponse, software, successResponse, unknownAttributesResponse, unknownRequired, xorMapped } from './responses.ts';
import type { ClientTransport, RelaySocket, Remote } from './types.ts';

/** Attributes an Allocate request may carry that this server understands. */
const KNOWN = new Set<number>([
  Attr.Username, Attr.MessageIntegrity, Attr.MessageIntegritySha256, Attr.Realm, Attr.Nonce, Attr.Lifetime,
  Attr.RequestedTransport, Attr.RequestedAddressFamily, Attr.EvenPort, Attr.ReservationToken, Attr.Userhash,
  Attr.PasswordAlgorithm,
  // DONT-FRAGMENT is deliberately absent: Node's dgram cannot set the DF bit, and RFC 8656 §7.2 step 4
  // says a server that can't honour it treats it as an unknown comprehension-required attribute.
]);

export interface AllocateContext {
  options: ProtocolOptions;
  transport: ClientTransport;
  remote: Remote;
  clientKey: string;
  request: StunMessage;
  integrityKey: Buffer;
  username: string;
  now: number;
  existing: Allocation | undefined;
  pending: Set<string>;
  reservations: PortReservations;
  reply(bytes: Buffer): void;
  reject(code: number, reason: string): void;
  /** Allocations and port reservations of this user. */
  userCount(username: string): number;
  /** Allocations (live and being opened) and port reservations. */
  total(): number;
  nextId(): number;
  install(allocation: Allocation): void;
  /** True once the server is closing: a relay opened meanwhile must be closed, not installed. */
  serverClosed(): boolean;
  onPeerData(allocation: Allocation, data: Buffer, from: Remote): void;
}

export function grantedLifetime(options: ProtocolOptions, requested: number | undefined): number {
  const wanted = requested === undefined ? options.defaultLifetimeSeconds : Math.max(options.defaultLifetimeSeconds, requested);
  return Math.min(wanted, options.maxLifetimeSeconds);
}

export async function handleAllocate(ctx: AllocateContext): Promise<void> {
  const { request: msg, options } = ctx;
  const rc = { request: msg, key: ctx.integrityKey };
  const fail = (code: number, reason: string, extra: Parameters<typeof errorResponse>[2] = []) => {
    ctx.reject(code, reason);
    ctx.reply(errorResponse(rc, code, extra));
  };
  const txid = msg.transactionId.toString('hex');
  if (ctx.existing) {
    // A retransmission of the request that created it gets the same answer (RFC 8656 §7.2 step 2).
    if (ctx.existing.allocateTransactionId === txid) ctx.reply(ctx.existing.allocateResponse);
    else fail(437, 'an allocation already exists for this 5-tuple');
    return;
  }
  if (ctx.pending.has(ctx.clientKey)) return; // Still opening the relay for the first copy.

  const unknown = unknownRequired(msg, KNOWN);
  if (unknown.length > 0) {
    ctx.reject(420, `unknown attributes ${unknown.map((t) => `0x${t.toString(16)}`).join(',')}`);
    ctx.reply(unknownAttributesResponse(rc, unknown));
    return;
  }
  const transportAttr = getAttribute(msg, Attr.RequestedTransport);
  if (!transportAttr) return fail(400, 'REQUESTED-TRANSPORT missing');
  const protocol = requestedTransport.decode(transportAttr.value);
  if (protocol === undefined) return fail(400, 'malformed REQUESTED-TRANSPORT');
  if (protocol !== PROTOCOL_UDP) return fail(442, `transport protocol ${protocol} not supported`);

  const even = getAttribute(msg, Attr.EvenPort);
  const tokenAttr = getAttribute(msg, Attr.ReservationToken);
  const familyAttr = getAttribute(msg, Attr.RequestedAddressFamily);
  // ADDITIONAL-ADDRESS-FAMILY is otherwise ignored (not supported), but the RFC refuses it with these two.
  const additionalFamily = getAttribute(msg, Attr.AdditionalAddressFamily);
  // RFC 8656 §7.2 step 5: a token names its relay address, so it excludes choosing a port or family.
  if (tokenAttr && (even || familyAttr || additionalFamily)) {
    return fail(400, 'RESERVATION-TOKEN with EVEN-PORT, REQUESTED-ADDRESS-FAMILY or ADDITIONAL-ADDRESS-FAMILY');
  }
  let reservation: PortReservation | undefined;
  let token: Buffer | undefined;
  if (tokenAttr) {
    token = reservationToken.decode(tokenAttr.value);
    if (!token) return fail(400, 'malformed RESERVATION-TOKEN');
    reservation = ctx.reservations.find(token, ctx.now);
    if (!reservation) return fail(508, 'no live reservation for RESERVATION-TOKEN (unknown, used or expired)');
  }
  const evenValue = even ? evenPort.decode(even.value) : undefined;
  if (even && !evenValue) return fail(400, 'malformed EVEN-PORT');
  const reserveNext = evenValue?.reserveNext === true;
  if (reserveNext && additionalFamily) return fail(400, 'EVEN-PORT R bit with ADDITIONAL-ADDRESS-FAMILY'); // §7.2 step 6
  if (reserveNext && ctx.reservations.size >= options.maxPortReservations) {
    return fail(508, `port reservations at their limit (${options.maxPortReservations})`);
  }

  let family: 4 | 6 = reservation?.reserved.address.family ?? 4;
  if (familyAttr) {
    const f = requestedAddressFamily.decode(familyAttr.value);
    if (f === undefined) return fail(400, 'malformed REQUESTED-ADDRESS-FAMILY');
    if (f === 'unknown' || !options.relayFamilies.has(f)) return fail(440, `address family ${f} not supported`);
    family = f;
  } else if (!reservation && !options.relayFamilies.has(4)) {
    return fail(440, 'no IPv4 relay address configured');
  }

  const lifetimeAttr = getAttribute(msg, Attr.Lifetime);
  const requestedLifetime = lifetimeAttr ? u32.decode(lifetimeAttr.value) : undefined;
  if (lifetimeAttr && requestedLifetime === undefined) return fail(400, 'malformed LIFETIME');

  // Reservations count against the quotas: an R-bit Allocate takes two units (its port and the
  // reserved one); claiming a reservation turns the reserver's unit into the claimer's allocation.
  const units = reserveNext ? 2 : 1;
  const userCount = ctx.userCount(ctx.username) - (reservation?.username === ctx.username ? 1 : 0);
  const total = ctx.total() - (reservation ? 1 : 0);
  if (options.userQuota > 0 && userCount + units > options.userQuota) return fail(486, `user quota (${options.userQuota}) reached`);
  if (options.totalQuota > 0 && total + units > options.totalQuota) return fail(486, `total quota (${options.totalQuota}) reached`);

  ctx.pending.add(ctx.clientKey);
  let allocation: Allocation | undefined;
  const onPeerData = (data: Buffer, from: Remote) => {
    if (allocation) ctx.onPeerData(allocation, data, from);
  };
  try {
    let relay: RelaySocket | undefined;
    if (reservation && token) {
      ctx.reservations.take(token); // Single use: spent before anything else can fail.
      relay = reservation.reserved.claim(onPeerData);
    } else {
      relay = await options.allocateRelay({ family, evenPort: evenValue !== undefined, reserveNextPort: reserveNext, onPeerData });
    }
    if (!relay) return fail(508, reserveNext ? 'no free even relay port with a free port above it' : 'no relay port available');
    if (reserveNext && !relay.reservedNext) {
      relay.close();
      return fail(508, 'the relay allocator reserved no port');
    }
    if (ctx.transport.closed || ctx.serverClosed()) {
      // The connection or the server went away while the relay was being opened.
      relay.reservedNext?.release();
      relay.close();
      return;
    }
    const lifetime = grantedLifetime(options, requestedLifetime);
    const relayed: TransportAddress = {
      family: relay.address.family,
      address: options.advertisedRelayIp?.(relay.address.address) ?? relay.address.address,
      port: relay.address.port,
    };
    const newToken = relay.reservedNext ? ctx.reservations.add(relay.reservedNext, ctx.username, options.now()) : undefined;
    const response = successResponse(rc, [
      { type: Attr.XorRelayedAddress, value: xorAddress.encode(relayed, msg.transactionId) },
      { type: Attr.Lifetime, value: u32.encode(lifetime) },
      ...(newToken ? [{ type: Attr.ReservationToken, value: reservationToken.encode(newToken) }] : []),
      xorMapped(ctx.remote, msg),
      software(),
    ]);
    allocation = new Allocation(
      ctx.nextId(), ctx.clientKey, ctx.transport, { address: ctx.remote.address, port: ctx.remote.port }, ctx.username,
      ctx.integrityKey, relay, relayed, txid, response, lifetime, options.now(),
    );
    ctx.install(allocation);
    ctx.reply(response);
  } finally {
    ctx.pending.delete(ctx.clientKey);
  }
}
