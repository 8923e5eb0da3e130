// Lifetimes of allocations, permissions and channels, driven by a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attr, StunClass, StunMethod, decodeStun, getAttribute, xorAddress } from '../../src/stun/index.ts';
import { decodeChannelData, encodeChannelData } from '../../src/wire/index.ts';
import { createHarness, FakeClientTransport, settle, type Harness } from '../support/fake-io.ts';
import { readResponse, requests, type Credentials } from '../support/turn-messages.ts';

const client = { address: '198.51.100.7', port: 40000 };
const KEY = 'k1';
const PEER = '203.0.113.77';

async function send(h: Harness, t: FakeClientTransport, bytes: Buffer) {
  h.protocol.handleClientData(t, client, KEY, bytes);
  await settle();
  return t.take().map(readResponse);
}

async function setup(options: Parameters<typeof createHarness>[0] = {}, kind: 'udp' | 'tcp' = 'udp') {
  const h = createHarness(options);
  const t = new FakeClientTransport(kind);
  const [c] = await send(h, t, requests.allocate().bytes);
  const creds: Credentials = { username: 'alice', password: 'secret', realm: c!.realm!, nonce: c!.nonce! };
  const [ok] = await send(h, t, requests.allocate(creds).bytes);
  assert.equal(ok!.msg.cls, StunClass.SuccessResponse);
  return { h, t, creds, relay: h.relays[0]! };
}

test('an allocation expires after its lifetime and its relay socket closes at once', async () => {
  const { h, relay } = await setup();
  h.clock.now += 599_000;
  h.protocol.sweep();
  assert.equal(h.protocol.allocationCount, 1);
  h.clock.now += 2_000;
  h.protocol.sweep();
  assert.equal(h.protocol.allocationCount, 0);
  assert.equal(relay.closed, true);
  const deleted = h.events.find((e) => e.kind === 'deleted');
  assert.equal(deleted?.detail[1], 'expired');
});

test('refresh() extends the lifetime, caps it at the maximum, and lifetime 0 deletes now', async () => {
  const { h, t, creds, relay } = await setup();
  const [r1] = await send(h, t, requests.refresh(creds, 7200).bytes);
  assert.equal(r1!.lifetime, 3600);
  h.clock.now += 3000_000;
  h.protocol.sweep();
  assert.equal(h.protocol.allocationCount, 1, 'still alive thanks to the refresh');
  const [stale] = await send(h, t, requests.refresh(creds, 30).bytes);
  assert.equal(stale!.code, 438, 'the nonce went stale meanwhile');
  creds.nonce = stale!.nonce!;
  const [r2] = await send(h, t, requests.refresh(creds, 30).bytes);
  assert.equal(r2!.lifetime, 600, 'a lifetime below the default gets the default');
  const [r3] = await send(h, t, requests.refresh(creds, 0).bytes);
  assert.equal(r3!.msg.cls, StunClass.SuccessResponse);
  assert.equal(r3!.lifetime, 0);
  assert.equal(h.protocol.allocationCount, 0);
  assert.equal(relay.closed, true);
  const [r4] = await send(h, t, requests.refresh(creds).bytes);
  assert.equal(r4!.code, 437);
});

test('a maximum lifetime below the default caps new allocations too', async () => {
  const { h } = await setup({ maxLifetimeSeconds: 60 });
  const [created] = h.events.filter((e) => e.kind === 'created');
  assert.equal((created!.detail[0] as { lifetimeSeconds: number }).lifetimeSeconds, 60);
});

test('peer data needs a permission; permissions expire after 300 s', async () => {
  const { h, t, creds, relay } = await setup();
  relay.fromPeer(Buffer.from('early'), PEER, 9000);
  assert.equal(t.take().length, 0, 'no permission yet: dropped');
  const [ok] = await send(h, t, requests.createPermission(creds, [PEER]).bytes);
  assert.equal(ok!.msg.cls, StunClass.SuccessResponse);
  relay.fromPeer(Buffer.from('hello'), PEER, 9000);
  const [indication] = t.take();
  const d = decodeStun(indication!);
  assert.ok(d.ok);
  assert.equal(d.message.cls, StunClass.Indication);
  assert.equal(d.message.method, StunMethod.Data);
  assert.deepEqual(xorAddress.decode(getAttribute(d.message, Attr.XorPeerAddress)!.value, d.message.transactionId), { family: 4, address: PEER, port: 9000 });
  assert.equal(getAttribute(d.message, Attr.Data)!.value.toString(), 'hello');
  // Send indications go out to permitted peers only.
  await send(h, t, requests.send(PEER, 9001, Buffer.from('out')));
  await send(h, t, requests.send('203.0.113.78', 9001, Buffer.from('nope')));
  assert.deepEqual(relay.sent.map((s) => [s.address, s.port, s.data.toString()]), [[PEER, 9001, 'out']]);
  h.clock.now += 301_000;
  h.protocol.sweep();
  relay.fromPeer(Buffer.from('late'), PEER, 9000);
  assert.equal(t.take().length, 0, 'permission expired: dropped');
});

test('createPermission() refuses loopback, private and IPv4-mapped loopback peers with 403, all or nothing', async () => {
  const { h, t, creds } = await setup();
  for (const peer of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '0.0.0.0', '::ffff:127.0.0.1']) {
    const [r] = await send(h, t, requests.createPermission(creds, [peer]).bytes);
    assert.equal(r!.code, 403, peer);
  }
  const [mixed] = await send(h, t, requests.createPermission(creds, [PEER, '192.168.1.1']).bytes);
  assert.equal(mixed!.code, 403);
  const allocation = [...h.protocol.allocations()][0]!;
  assert.equal(allocation.permissions.size, 0, 'nothing installed when one address fails');
  assert.ok(h.events.some((e) => e.kind === 'peer-denied'));
});

test('allowed peer ranges win over the default deny list; loopback needs allowLoopback', async () => {
  const { h, t, creds } = await setup({ policy: { allowed: ['10.0.0.0/24'], allowLoopback: false } });
  assert.equal((await send(h, t, requests.createPermission(creds, ['10.0.0.5']).bytes))[0]!.msg.cls, StunClass.SuccessResponse);
  assert.equal((await send(h, t, requests.createPermission(creds, ['10.0.1.5']).bytes))[0]!.code, 403);
  const loop = await setup({ policy: { allowLoopback: true } });
  assert.equal((await send(loop.h, loop.t, requests.createPermission(loop.creds, ['127.0.0.1']).bytes))[0]!.msg.cls, StunClass.SuccessResponse);
});

test('createPermission() limits permissions per allocation with 508', async () => {
  const { h, t, creds } = await setup({ maxPermissionsPerAllocation: 2 });
  assert.equal((await send(h, t, requests.createPermission(creds, ['203.0.113.1', '203.0.113.2']).bytes))[0]!.msg.cls, StunClass.SuccessResponse);
  assert.equal((await send(h, t, requests.createPermission(creds, ['203.0.113.3']).bytes))[0]!.code, 508);
  assert.equal((await send(h, t, requests.createPermission(creds, ['203.0.113.2']).bytes))[0]!.msg.cls, StunClass.SuccessResponse, 'refreshing is fine');
});

test('channelBind() relays ChannelData both ways, validates numbers and peers, and expires after 600 s', async () => {
  const { h, t, creds, relay } = await setup();
  assert.equal((await send(h, t, requests.channelBind(creds, 0x3fff, PEER, 9000).bytes))[0]!.code, 400);
  assert.equal((await send(h, t, requests.channelBind(creds, 0x4000, '127.0.0.1', 9000).bytes))[0]!.code, 403);
  assert.equal((await send(h, t, requests.channelBind(creds, 0x4000, PEER, 9000).bytes))[0]!.msg.cls, StunClass.SuccessResponse);
  assert.equal((await send(h, t, requests.channelBind(creds, 0x4000, PEER, 9001).bytes))[0]!.code, 400, 'channel taken by another peer');
  assert.equal((await send(h, t, requests.channelBind(creds, 0x4001, PEER, 9000).bytes))[0]!.code, 400, 'peer bound to another channel');
  await send(h, t, encodeChannelData(0x4000, Buffer.from('to-peer'), false));
  await send(h, t, encodeChannelData(0x4005, Buffer.from('unbound'), false));
  assert.deepEqual(relay.sent.map((s) => s.data.toString()), ['to-peer']);
  relay.fromPeer(Buffer.from('to-client'), PEER, 9000);
  const [cd] = t.take();
  assert.deepEqual(decodeChannelData(cd!), { channel: 0x4000, data: Buffer.from('to-client') });
  // Rebinding refreshes the channel (600 s) and its permission (300 s).
  h.clock.now += 400_000;
  assert.equal((await send(h, t, requests.channelBind(creds, 0x4000, PEER, 9000).bytes))[0]!.msg.cls, StunClass.SuccessResponse);
  assert.equal((await send(h, t, requests.refresh(creds, 3600).bytes))[0]!.lifetime, 3600, 'keeps the allocation itself alive');
  h.clock.now += 250_000;
  h.protocol.sweep();
  relay.fromPeer(Buffer.from('still'), PEER, 9000);
  assert.equal(t.take().length, 1, 'at 650 s both are alive');
  h.clock.now += 100_000;
  h.protocol.sweep();
  relay.fromPeer(Buffer.from('no permission'), PEER, 9000);
  assert.equal(t.take().length, 0, 'at 750 s the permission has expired');
  const allocation = [...h.protocol.allocations()][0]!;
  assert.equal(allocation.channelsByNumber.size, 1, 'the channel lives on until 1000 s');
  h.clock.now += 251_000;
  h.protocol.sweep();
  assert.equal(allocation.channelsByNumber.size, 0, 'at 1001 s the channel has expired');
});

test('with allowedPorts, ChannelBind and Send reach an allowed peer on those ports only', async () => {
  const { h, t, creds, relay } = await setup({ policy: { allowed: ['10.9.9.9'], allowedPorts: [40000, 40010] } });
  assert.equal((await send(h, t, requests.createPermission(creds, ['10.9.9.9']).bytes))[0]!.msg.cls, StunClass.SuccessResponse);
  const refused = (await send(h, t, requests.channelBind(creds, 0x4000, '10.9.9.9', 53).bytes))[0]!;
  assert.equal(refused.code, 403);
  assert.equal((await send(h, t, requests.channelBind(creds, 0x4000, '10.9.9.9', 40005).bytes))[0]!.msg.cls, StunClass.SuccessResponse);
  await send(h, t, requests.send('10.9.9.9', 53, Buffer.from('to dns')));
  await send(h, t, requests.send('10.9.9.9', 40001, Buffer.from('to media')));
  assert.deepEqual(relay.sent.map((s) => `${s.port} ${s.data.toString()}`), ['40001 to media']);
});

test('ChannelData to a stream client is padded to a multiple of 4 bytes', async () => {
  const { h, t, creds, relay } = await setup({}, 'tcp');
  await send(h, t, requests.channelBind(creds, 0x4000, PEER, 9000).bytes);
  relay.fromPeer(Buffer.from('abcde'), PEER, 9000);
  const [cd] = t.take();
  assert.equal(cd!.length, 12);
  assert.equal(cd!.readUInt16BE(2), 5);
});

test('clientClosed() ends the allocation of a stream connection', async () => {
  const { h, relay } = await setup({}, 'tcp');
  h.protocol.clientClosed(KEY);
  assert.equal(h.protocol.allocationCount, 0);
  assert.equal(relay.closed, true);
});

test('traffic counters add up both directions per transport', async () => {
  const { h, t, creds, relay } = await setup();
  await send(h, t, requests.channelBind(creds, 0x4000, PEER, 9000).bytes);
  await send(h, t, encodeChannelData(0x4000, Buffer.alloc(100), false));
  relay.fromPeer(Buffer.alloc(50), PEER, 9000);
  const totals = h.protocol.trafficTotals().udp;
  assert.deepEqual(totals, { toPeerPackets: 1, toPeerBytes: 100, toClientPackets: 1, toClientBytes: 50 });
  h.protocol.close();
  assert.deepEqual(h.protocol.trafficTotals().udp, totals, 'totals survive the allocation');
});
