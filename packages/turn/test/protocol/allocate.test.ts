import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, StunClass, u32, verifyIntegrity, longTermKey, getAttribute, text } from '../../src/stun/index.ts';
import { mintRestCredentials } from '../../src/auth/index.ts';
import { allocate, CLIENT, CLIENT_KEY, createHarness, exchange, FakeClientTransport, settle } from '../support/fake-io.ts';
import { requests, type Credentials } from '../support/turn-messages.ts';

const client = CLIENT;
const KEY = CLIENT_KEY;

test('Binding requests are answered with the client address, without authentication', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const r = await exchange(h, t, requests.binding().bytes);
  assert.equal(r.msg.cls, StunClass.SuccessResponse);
  assert.deepEqual(r.mapped, { family: 4, ...client });
});

test('allocate() without credentials is challenged with 401, REALM and NONCE', async () => {
  const h = createHarness();
  const r = await exchange(h, new FakeClientTransport(), requests.allocate().bytes);
  assert.equal(r.code, 401);
  assert.equal(r.realm, 'test');
  assert.ok(r.nonce && r.nonce.length > 8);
  assert.equal(h.protocol.allocationCount, 0);
});

test('allocate() with valid credentials returns relayed address, lifetime and an integrity-protected answer', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const { response } = await allocate(h, t);
  assert.equal(response.msg.cls, StunClass.SuccessResponse);
  assert.deepEqual(response.relayed, { family: 4, address: '203.0.113.5', port: 50000 });
  assert.deepEqual(response.mapped, { family: 4, ...client });
  assert.equal(response.lifetime, 600);
  assert.equal(verifyIntegrity(response.msg, longTermKey('alice', 'test', 'secret')), 'valid');
  assert.equal(h.protocol.allocationCount, 1);
  assert.equal(h.events.filter((e) => e.kind === 'created').length, 1);
});

test('allocate() answers a retransmission with the same bytes and a new request on the same 5-tuple with 437', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const c = await exchange(h, t, requests.allocate().bytes);
  const creds = { username: 'alice', password: 'secret', realm: c.realm!, nonce: c.nonce! };
  const req = requests.allocate(creds);
  const a = await exchange(h, t, req.bytes);
  const b = await exchange(h, t, req.bytes);
  assert.deepEqual(b.msg.raw, a.msg.raw);
  assert.equal(h.relays.length, 1);
  assert.equal((await exchange(h, t, requests.allocate(creds).bytes)).code, 437);
});

test('allocate() rejects a bad password with 401 and counts the failure; a flood from one IP is then dropped', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const c = await exchange(h, t, requests.allocate().bytes);
  const wrong = { username: 'alice', password: 'nope', realm: c.realm!, nonce: c.nonce! };
  for (let i = 0; i < 5; i++) assert.equal((await exchange(h, t, requests.allocate(wrong).bytes)).code, 401);
  assert.equal(h.events.filter((e) => e.kind === 'auth-failure').length, 5);
  h.protocol.handleClientData(t, client, KEY, requests.allocate(wrong).bytes);
  await settle();
  assert.equal(t.take().length, 0, 'over the failure limit: no answer');
  for (let i = 0; i < 50; i++) h.protocol.handleClientData(t, client, KEY, requests.allocate(wrong).bytes);
  await settle();
  assert.equal(h.events.filter((e) => e.kind === 'auth-failure').length, 5, 'a flood is not logged packet by packet');
  // Another client is not affected.
  const other = { address: '198.51.100.8', port: 1 };
  const { response } = await allocate(h, t, undefined, other, 'u|other');
  assert.equal(response.msg.cls, StunClass.SuccessResponse);
});

test('allocate() with an unknown user, wrong realm or missing USERNAME gets 401, 401 and 400', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const c = await exchange(h, t, requests.allocate().bytes);
  assert.equal((await exchange(h, t, requests.allocate({ username: 'mallory', password: 'x', realm: c.realm!, nonce: c.nonce! }).bytes)).code, 401);
  assert.equal((await exchange(h, t, requests.allocate({ username: 'alice', password: 'secret', realm: 'other', nonce: c.nonce! }).bytes)).code, 401);
  // MESSAGE-INTEGRITY without USERNAME, REALM and NONCE.
  const { buildRequest } = await import('../support/turn-messages.ts');
  const bare = buildRequest(0x003, () => [{ type: Attr.MessageIntegrity, value: Buffer.alloc(20) }]);
  assert.equal((await exchange(h, t, bare.bytes)).code, 400);
});

test('a nonce goes stale after its lifetime: 438 with a fresh nonce', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const c = await exchange(h, t, requests.allocate().bytes);
  h.clock.now += 601_000;
  const r = await exchange(h, t, requests.allocate({ username: 'alice', password: 'secret', realm: c.realm!, nonce: c.nonce! }).bytes);
  assert.equal(r.code, 438);
  assert.ok(r.nonce && r.nonce !== c.nonce);
  const ok = await exchange(h, t, requests.allocate({ username: 'alice', password: 'secret', realm: r.realm!, nonce: r.nonce }).bytes);
  assert.equal(ok.msg.cls, StunClass.SuccessResponse);
});

test('a nonce minted for one client address is stale from another', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const c = await exchange(h, t, requests.allocate().bytes);
  const r = await exchange(h, t, requests.allocate({ username: 'alice', password: 'secret', realm: c.realm!, nonce: c.nonce! }).bytes, { address: '198.51.100.99', port: 1 }, 'u|x');
  assert.equal(r.code, 438);
});

test('TURN REST credentials are accepted until their expiry, then refused with 401', async () => {
  const h = createHarness({ secret: 'sekrit' });
  const t = new FakeClientTransport();
  const minted = mintRestCredentials({ secret: 'sekrit', user: 'web', ttlSeconds: 60, now: h.clock.now });
  const { response } = await allocate(h, t, { username: minted.username, password: minted.credential });
  assert.equal(response.msg.cls, StunClass.SuccessResponse);
  h.clock.now += 61_000;
  const t2 = new FakeClientTransport();
  const c = await exchange(h, t2, requests.allocate().bytes, { address: '198.51.100.20', port: 2 }, 'u|2');
  const r = await exchange(h, t2, requests.allocate({ username: minted.username, password: minted.credential, realm: c.realm!, nonce: c.nonce! }).bytes, { address: '198.51.100.20', port: 2 }, 'u|2');
  assert.equal(r.code, 401);
});

test('allocate() validates REQUESTED-TRANSPORT, DONT-FRAGMENT, RESERVATION-TOKEN and the address family', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const c = await exchange(h, t, requests.allocate().bytes);
  const creds = { username: 'alice', password: 'secret', realm: c.realm!, nonce: c.nonce! };
  const { buildRequest } = await import('../support/turn-messages.ts');
  const noTransport = buildRequest(0x003, () => [], creds);
  assert.equal((await exchange(h, t, noTransport.bytes)).code, 400);
  const tcp = buildRequest(0x003, () => [{ type: Attr.RequestedTransport, value: Buffer.from([6, 0, 0, 0]) }], creds);
  assert.equal((await exchange(h, t, tcp.bytes)).code, 442);
  const df = await exchange(h, t, requests.allocate(creds, [{ type: Attr.DontFragment, value: Buffer.alloc(0) }]).bytes);
  assert.equal(df.code, 420);
  assert.deepEqual(df.unknown, [Attr.DontFragment]);
  assert.equal((await exchange(h, t, requests.allocate(creds, [{ type: Attr.ReservationToken, value: Buffer.alloc(8) }]).bytes)).code, 508);
  assert.equal((await exchange(h, t, requests.allocate(creds, [{ type: Attr.RequestedAddressFamily, value: Buffer.from([2, 0, 0, 0]) }]).bytes)).code, 440);
  assert.equal((await exchange(h, t, requests.allocate(creds, [{ type: Attr.RequestedAddressFamily, value: Buffer.from([1, 0, 0, 0]) }, { type: Attr.ReservationToken, value: Buffer.alloc(8) }]).bytes)).code, 400);
  assert.equal(h.protocol.allocationCount, 0);
  // EVEN-PORT without the R bit is honoured.
  const even = await exchange(h, t, requests.allocate(creds, [{ type: Attr.EvenPort, value: Buffer.from([0, 0, 0, 0]) }]).bytes);
  assert.equal(even.msg.cls, StunClass.SuccessResponse);
  assert.equal(h.relays[0]!.request.evenPort, true);
});

test('allocate() enforces the per-user and total quotas with 486', async () => {
  const h = createHarness({ userQuota: 1, totalQuota: 2 });
  const t = new FakeClientTransport();
  assert.equal((await allocate(h, t, undefined, { address: '198.51.100.1', port: 1 }, 'a')).response.msg.cls, StunClass.SuccessResponse);
  assert.equal((await allocate(h, t, undefined, { address: '198.51.100.1', port: 2 }, 'b')).response.code, 486);
  assert.equal((await allocate(h, t, { username: 'bob', password: 'pw' }, { address: '198.51.100.1', port: 3 }, 'c')).response.msg.cls, StunClass.SuccessResponse);
  assert.equal((await allocate(h, t, { username: 'bob', password: 'pw' }, { address: '198.51.100.1', port: 4 }, 'd')).response.code, 486);
});

test('allocate() answers 508 when no relay port is available', async () => {
  const h = createHarness();
  h.relayAvailable.value = false;
  assert.equal((await allocate(h, new FakeClientTransport())).response.code, 508);
});

test('requests other than Allocate need an allocation (437) made by the same user (441)', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const c = await exchange(h, t, requests.allocate().bytes);
  const creds = { username: 'alice', password: 'secret', realm: c.realm!, nonce: c.nonce! };
  assert.equal((await exchange(h, t, requests.refresh(creds).bytes)).code, 437);
  await exchange(h, t, requests.allocate(creds).bytes);
  const bob = { username: 'bob', password: 'pw', realm: c.realm!, nonce: c.nonce! };
  assert.equal((await exchange(h, t, requests.refresh(bob).bytes)).code, 441);
});

test('an unknown request method is answered with 400', async () => {
  const h = createHarness();
  const { buildRequest } = await import('../support/turn-messages.ts');
  assert.equal((await exchange(h, new FakeClientTransport(), buildRequest(0x0ff, () => []).bytes)).code, 400);
});

test('responses carry SOFTWARE on Allocate', async () => {
  const h = createHarness();
  const { response } = await allocate(h, new FakeClientTransport());
  assert.equal(text.decode(getAttribute(response.msg, Attr.Software)!.value, 763), 'Traverse TURN');
  assert.equal(u32.decode(getAttribute(response.msg, Attr.Lifetime)!.value), 600);
});

test('a server closed while a relay port is being opened closes that port instead of installing it', async () => {
  const h = createHarness();
  const t = new FakeClientTransport();
  const challenge = await exchange(h, t, requests.allocate().bytes);
  const creds: Credentials = { username: 'alice', password: 'secret', realm: challenge.realm!, nonce: challenge.nonce! };
  h.protocol.handleClientData(t, client, KEY, requests.allocate(creds).bytes);
  h.protocol.close(); // before the relay allocation resolves
  await settle();
  assert.equal(h.relays.length, 1);
  assert.equal(h.relays[0]!.closed, true);
  assert.equal(h.protocol.allocationCount, 0);
  assert.deepEqual(t.take(), [], 'no success response for an allocation that does not exist');
});

test('peer port 0 is refused: ChannelBind answers 400, a Send indication is dropped', async () => {
  const h = createHarness({ policy: { allowed: ['203.0.113.0/24'] } });
  const t = new FakeClientTransport();
  const { creds } = await allocate(h, t);
  assert.equal((await exchange(h, t, requests.channelBind(creds, 0x4000, '203.0.113.9', 0).bytes)).code, 400);
  assert.equal((await exchange(h, t, requests.createPermission(creds, ['203.0.113.9']).bytes)).msg.cls, StunClass.SuccessResponse);
  h.protocol.handleClientData(t, client, KEY, requests.send('203.0.113.9', 0, Buffer.from('x')));
  h.protocol.handleClientData(t, client, KEY, requests.send('203.0.113.9', 7, Buffer.from('y')));
  await settle();
  assert.deepEqual(h.relays[0]!.sent.map((s) => `${s.port} ${s.data.toString()}`), ['7 y']);
});

test('only stream connections are remembered as authenticated (a UDP 5-tuple is never forgotten)', async () => {
  const h = createHarness();
  // A UDP 5-tuple that authenticates is not remembered: nothing would ever forget it.
  await allocate(h, new FakeClientTransport(), undefined, { address: '198.51.100.8', port: 1 }, 'u|198.51.100.8|1');
  assert.equal(h.protocol.hasAuthenticated('u|198.51.100.8|1'), false);
  const tcp = new FakeClientTransport('tcp');
  await allocate(h, tcp, undefined, { address: '198.51.100.9', port: 2 }, 'tcp|1');
  assert.equal(h.protocol.hasAuthenticated('tcp|1'), true);
});
