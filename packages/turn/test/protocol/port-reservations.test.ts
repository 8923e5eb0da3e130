// EVEN-PORT with the R bit and RESERVATION-TOKEN (RFC 8656 §7.2, §14.6, §14.9), with fake relays
// and a fake clock: the reservation, its claim by any token holder, its 30 s expiry, and its limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, StunClass, type OutgoingAttribute } from '../../src/stun/index.ts';
import { evenPort, requestedAddressFamily, reservationToken } from '../../src/wire/index.ts';
import { allocate, createHarness, exchange, FakeClientTransport, FakeRelay, type Harness } from '../support/fake-io.ts';
import { requests, type ReadResponse } from '../support/turn-messages.ts';

const ALICE = { username: 'alice', password: 'secret' };
const BOB = { username: 'bob', password: 'pw' };
const EVEN_PORT_R: OutgoingAttribute = { type: Attr.EvenPort, value: evenPort.encode(true) };
const ADDITIONAL_IPV6: OutgoingAttribute = { type: Attr.AdditionalAddressFamily, value: requestedAddressFamily.encode(6) };
const tokenAttr = (token: Buffer): OutgoingAttribute => ({ type: Attr.ReservationToken, value: reservationToken.encode(token) });

/** Client number `n` (its own address and 5-tuple) allocates as `user` with `extra` attributes. */
function allocateAs(h: Harness, n: number, user: { username: string; password: string }, extra: OutgoingAttribute[] = []) {
  return allocate(h, new FakeClientTransport(), user, { address: `198.51.100.${n}`, port: 5000 + n }, `client-${n}`, extra);
}

async function reserve(h: Harness, n = 1, user = ALICE): Promise<{ response: ReadResponse; token: Buffer }> {
  const { response } = await allocateAs(h, n, user, [EVEN_PORT_R]);
  assert.equal(response.msg.cls, StunClass.SuccessResponse, `R-bit Allocate answered ${response.code}`);
  const token = response.reservationToken;
  assert.ok(token, 'the success response carries a RESERVATION-TOKEN');
  return { response, token };
}

test('allocate() with EVEN-PORT R=1 gets an even relay port, reserves the port above it and returns an 8-byte RESERVATION-TOKEN', async () => {
  const h = createHarness();
  const { response, token } = await reserve(h);
  assert.equal(response.relayed!.port % 2, 0);
  assert.equal(h.relays[0]!.request.reserveNextPort, true);
  assert.equal(h.reserved.length, 1);
  assert.equal(h.reserved[0]!.address.port, response.relayed!.port + 1);
  assert.equal(h.reserved[0]!.state, 'held');
  assert.equal(token.length, 8);
  assert.equal(h.protocol.reservationCount, 1);
});

test('allocate() with EVEN-PORT R=0 gets an even port and neither reserves a port nor returns a token', async () => {
  const h = createHarness();
  const { response } = await allocateAs(h, 1, ALICE, [{ type: Attr.EvenPort, value: evenPort.encode(false) }]);
  assert.equal(response.relayed!.port % 2, 0);
  assert.equal(response.reservationToken, undefined);
  assert.equal(h.reserved.length, 0);
  assert.equal(h.protocol.reservationCount, 0);
});

test('tokens are minted by the injected source, by default 8 random bytes that differ per reservation', async () => {
  const h = createHarness();
  const a = await reserve(h, 1);
  const b = await reserve(h, 2);
  assert.notDeepEqual(a.token, b.token);
  const fixed = createHarness({ mintReservationToken: () => Buffer.from('0123456789abcdef', 'hex') });
  assert.deepEqual((await reserve(fixed)).token, Buffer.from('0123456789abcdef', 'hex'));
});

test('any client holding the token gets the reserved port once; the token is then spent (508)', async () => {
  const h = createHarness({ policy: { allowed: ['203.0.113.0/24'] } });
  const { response, token } = await reserve(h, 1, ALICE);
  const t = new FakeClientTransport();
  const claim = await allocate(h, t, BOB, { address: '198.51.100.2', port: 6000 }, 'client-2', [tokenAttr(token)]);
  assert.equal(claim.response.msg.cls, StunClass.SuccessResponse);
  assert.deepEqual(claim.response.relayed, { ...response.relayed!, port: response.relayed!.port + 1 });
  assert.equal(claim.response.reservationToken, undefined, 'a claim reserves nothing new');
  assert.equal(h.reserved[0]!.state, 'claimed');
  assert.equal(h.protocol.reservationCount, 0);
  assert.equal(h.protocol.allocationCount, 2);

  // The claimed port relays for the claimer's allocation.
  await exchange(h, t, requests.createPermission(claim.creds, ['203.0.113.9']).bytes, { address: '198.51.100.2', port: 6000 }, 'client-2');
  h.reserved[0]!.claimedBy!.fromPeer(Buffer.from('rtcp'), '203.0.113.9', 7000);
  assert.equal(t.take().length, 1, 'a Data indication reached the claimer');

  assert.equal((await allocateAs(h, 3, ALICE, [tokenAttr(token)])).response.code, 508, 'single use');
});

test('a reservation lives 30 s: at 29.999 s it is held, at 30 s its port is released and its token answers 508', async () => {
  const h = createHarness();
  const { token } = await reserve(h);
  h.clock.now += 29_999;
  h.protocol.sweep();
  assert.equal(h.reserved[0]!.state, 'held');
  assert.equal(h.protocol.reservationCount, 1);
  h.clock.now += 1;
  // Expired but not yet swept: the token is refused already.
  assert.equal((await allocateAs(h, 2, ALICE, [tokenAttr(token)])).response.code, 508);
  assert.equal(h.reserved[0]!.state, 'held');
  h.protocol.sweep();
  assert.equal(h.reserved[0]!.state, 'released');
  assert.equal(h.protocol.reservationCount, 0);
  assert.equal((await allocateAs(h, 3, ALICE, [tokenAttr(token)])).response.code, 508);
});

test('an unknown RESERVATION-TOKEN is answered 508; one of another length 400', async () => {
  const h = createHarness();
  await reserve(h);
  assert.equal((await allocateAs(h, 2, ALICE, [tokenAttr(Buffer.alloc(8, 7))])).response.code, 508);
  assert.equal((await allocateAs(h, 3, ALICE, [{ type: Attr.ReservationToken, value: Buffer.alloc(4) }])).response.code, 400);
  assert.equal(h.reserved[0]!.state, 'held');
});

test('RESERVATION-TOKEN with EVEN-PORT, REQUESTED-ADDRESS-FAMILY or ADDITIONAL-ADDRESS-FAMILY is answered 400 and leaves the reservation claimable', async () => {
  const h = createHarness();
  const { token } = await reserve(h);
  assert.equal((await allocateAs(h, 2, ALICE, [tokenAttr(token), EVEN_PORT_R])).response.code, 400);
  assert.equal((await allocateAs(h, 3, ALICE, [tokenAttr(token), { type: Attr.EvenPort, value: evenPort.encode(false) }])).response.code, 400);
  assert.equal((await allocateAs(h, 4, ALICE, [tokenAttr(token), { type: Attr.RequestedAddressFamily, value: requestedAddressFamily.encode(4) }])).response.code, 400);
  assert.equal((await allocateAs(h, 5, ALICE, [tokenAttr(token), ADDITIONAL_IPV6])).response.code, 400);
  assert.equal(h.reserved[0]!.state, 'held');
  assert.equal((await allocateAs(h, 6, ALICE, [tokenAttr(token)])).response.msg.cls, StunClass.SuccessResponse);
});

test('EVEN-PORT R=1 with ADDITIONAL-ADDRESS-FAMILY is answered 400 and reserves nothing', async () => {
  const h = createHarness();
  assert.equal((await allocateAs(h, 1, ALICE, [EVEN_PORT_R, ADDITIONAL_IPV6])).response.code, 400);
  assert.equal(h.relays.length, 0);
});

test('no even port with a free port above it: the R-bit Allocate is answered 508', async () => {
  const h = createHarness();
  h.relayAvailable.value = false;
  assert.equal((await allocateAs(h, 1, ALICE, [EVEN_PORT_R])).response.code, 508);
  assert.equal(h.protocol.reservationCount, 0);
});

test('a relay allocator that reserved nothing for an R-bit Allocate gets its socket closed and the client 508', async () => {
  const relays: FakeRelay[] = [];
  const lazy = createHarness({
    allocateRelay: async (request) => {
      const relay = new FakeRelay({ family: 4, address: '203.0.113.5', port: 50000 }, request);
      relays.push(relay);
      return relay;
    },
  });
  assert.equal((await allocateAs(lazy, 1, ALICE, [EVEN_PORT_R])).response.code, 508);
  assert.equal(relays[0]!.closed, true);
  assert.equal(lazy.protocol.allocationCount, 0);
});

test('reservations count against the user quota: an R-bit Allocate takes two units, a claim moves the unit to the claimer', async () => {
  const h = createHarness({ userQuota: 2 });
  const { token } = await reserve(h, 1, ALICE);
  assert.equal((await allocateAs(h, 2, ALICE)).response.code, 486, 'allocation + reservation fill alice\'s quota of 2');
  assert.equal((await allocateAs(h, 3, ALICE, [tokenAttr(token)])).response.msg.cls, StunClass.SuccessResponse, 'claiming her own reservation fits');
  const one = createHarness({ userQuota: 1 });
  assert.equal((await allocateAs(one, 1, ALICE, [EVEN_PORT_R])).response.code, 486);
  assert.equal(one.reserved.length, 0);
});

test('reservations count against the total quota, and claiming one (by any user) needs no unit more', async () => {
  const h = createHarness({ totalQuota: 3, userQuota: 2 });
  const { token } = await reserve(h, 1, ALICE); // 2 units
  await allocateAs(h, 2, BOB); // 3 units
  assert.equal((await allocateAs(h, 3, BOB)).response.code, 486, 'the reservation holds a unit of the total');
  assert.equal((await allocateAs(h, 4, BOB, [tokenAttr(token)])).response.msg.cls, StunClass.SuccessResponse);
  assert.equal(h.protocol.allocationCount, 3);
});

test('port reservations beyond maxPortReservations are answered 508; a claimed one makes room', async () => {
  const h = createHarness({ maxPortReservations: 1 });
  const { token } = await reserve(h, 1);
  assert.equal((await allocateAs(h, 2, BOB, [EVEN_PORT_R])).response.code, 508);
  await allocateAs(h, 3, ALICE, [tokenAttr(token)]);
  await reserve(h, 4, BOB);
});

test('a reservation outlives the allocation that made it, and the server closing releases it', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const { creds, response } = await allocate(h, t, ALICE, undefined, undefined, [EVEN_PORT_R]);
  assert.ok(response.reservationToken);
  assert.equal((await exchange(h, t, requests.refresh(creds, 0).bytes)).msg.cls, StunClass.SuccessResponse);
  assert.equal(h.protocol.allocationCount, 0);
  assert.equal(h.relays[0]!.closed, true);
  assert.equal(h.reserved[0]!.state, 'held');
  h.protocol.close();
  assert.equal(h.reserved[0]!.state, 'released');
});

test('a retransmitted R-bit Allocate gets the same token and reserves nothing more', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const challenge = await exchange(h, t, requests.allocate().bytes);
  const req = requests.allocate({ ...ALICE, realm: challenge.realm!, nonce: challenge.nonce! }, [EVEN_PORT_R]);
  const first = await exchange(h, t, req.bytes);
  const again = await exchange(h, t, req.bytes);
  assert.deepEqual(again.reservationToken, first.reservationToken);
  assert.equal(h.reserved.length, 1);
  assert.equal(h.protocol.reservationCount, 1);
});
