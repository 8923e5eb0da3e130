// EVEN-PORT R-bit reservations on real sockets: the reserved port is bound (no other process can take
// it), a token holder relays through it, a released or expired (30 s) reservation gives the port back
// to the pool and the OS, and a range without a free pair answers 508 quickly. Relay ports 61700–61799
// are this file's (outside Linux's ephemeral range, so no outgoing socket of this machine holds one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { createTurnServer, type TurnServer } from '../../src/index.ts';
import { createRelayAllocator } from '../../src/node/relay-allocator.ts';
import { Attr, type OutgoingAttribute } from '../../src/stun/index.ts';
import { evenPort, reservationToken } from '../../src/wire/index.ts';
import { eventually, within } from '../support/bounded.ts';
import { echoPeer } from '../support/echo-peer.ts';
import { TurnSocketClient, type Transport } from '../support/socket-client.ts';
import { udpPortIsFree } from '../support/udp-port.ts';

const USER = { username: 'u', password: 'p' };
const EVEN_PORT_R: OutgoingAttribute = { type: Attr.EvenPort, value: evenPort.encode(true) };
const tokenAttr = (token: Buffer): OutgoingAttribute => ({ type: Attr.ReservationToken, value: reservationToken.encode(token) });

async function startServer(minPort: number, maxPort: number, t: { after(fn: () => Promise<void> | void): void }, now?: () => number): Promise<TurnServer> {
  const server = await createTurnServer({
    listeningIps: ['127.0.0.1'], listeningPort: 0, tls: false, relayIps: ['127.0.0.1'], minPort, maxPort,
    realm: 'test', users: [USER], allowLoopbackPeers: true, ...(now ? { now } : {}),
  });
  t.after(() => server.close());
  return server;
}

async function connect(server: TurnServer, transport: Transport, t: { after(fn: () => void): void }): Promise<TurnSocketClient> {
  const c = await TurnSocketClient.connect(transport, '127.0.0.1', server.addresses()[transport][0]!.port);
  t.after(() => c.close());
  return c;
}

for (const transport of ['udp', 'tcp'] as Transport[]) {
  test(`over ${transport}, an R-bit Allocate binds an even port and the one above; the token holder relays through the reserved one`, async (t) => {
    const server = await startServer(61700, 61709, t);
    const peer = await echoPeer();
    t.after(() => peer.close());
    const rtp = await connect(server, transport, t);
    const granted = await rtp.allocate(USER, [EVEN_PORT_R]);
    const port = granted.relayed!.port;
    assert.equal(port % 2, 0);
    assert.equal(granted.reservationToken?.length, 8);
    assert.equal(await udpPortIsFree(port + 1), false, 'the reserved port is bound');
    assert.deepEqual({ ...server.stats(), traffic: undefined }, { allocations: 1, portReservations: 1, relayPortsInUse: 2, traffic: undefined });

    const rtcp = await connect(server, transport, t);
    const claimed = await rtcp.allocate(USER, [tokenAttr(granted.reservationToken!)]);
    assert.deepEqual(claimed.relayed, { family: 4, address: '127.0.0.1', port: port + 1 });
    assert.equal(server.stats().portReservations, 0);
    assert.equal((await rtcp.channelBind(0x4001, '127.0.0.1', peer.port)).code, undefined);
    rtcp.sendChannelData(0x4001, Buffer.from('rtcp'));
    assert.deepEqual((await rtcp.nextChannelData()).data, Buffer.from('rtcp'));
    assert.equal((await (await connect(server, transport, t)).allocate(USER, [tokenAttr(granted.reservationToken!)])).code, 508, 'single use');
  });
}

test('an unclaimed reservation is released 30 s later (server clock moved): its port is free for the pool and the OS, its token answers 508', async (t) => {
  const clock = { now: Date.now() };
  const server = await startServer(61740, 61741, t, () => clock.now);
  const granted = await (await connect(server, 'udp', t)).allocate(USER, [EVEN_PORT_R]);
  assert.deepEqual([granted.relayed?.port, server.stats().relayPortsInUse], [61740, 2]);
  clock.now += 29_000;
  assert.equal(await udpPortIsFree(61741), false, 'held before 30 s');
  clock.now += 1_000;
  // The server sweeps about once a second (real time).
  await eventually(() => server.stats().portReservations === 0, 5000, 'the reservation is released');
  assert.equal(server.stats().relayPortsInUse, 1);
  assert.equal(await udpPortIsFree(61741), true);
  assert.equal((await (await connect(server, 'udp', t)).allocate(USER, [tokenAttr(granted.reservationToken!)])).code, 508);
});

test('a range whose only even port has no free port above it answers an R-bit Allocate with 508, and plain Allocates still get ports', async (t) => {
  const server = await startServer(61711, 61713, t);
  const first = await (await connect(server, 'udp', t)).allocate(USER, [EVEN_PORT_R]);
  assert.equal(first.relayed?.port, 61712);
  assert.equal((await (await connect(server, 'udp', t)).allocate(USER, [EVEN_PORT_R])).code, 508);
  assert.equal((await (await connect(server, 'udp', t)).allocate(USER)).relayed?.port, 61711);
});

test('a released reservation gives its port back to the pool and the OS; a claimed one is closed with its allocation', async () => {
  const pool = createRelayAllocator({ relayIps: { 4: '127.0.0.1' }, minPort: 61720, maxPort: 61721 });
  const relay = await pool.allocate({ family: 4, evenPort: true, reserveNextPort: true, onPeerData: () => undefined });
  assert.ok(relay?.reservedNext);
  assert.deepEqual([relay.address.port, relay.reservedNext.address.port], [61720, 61721]);
  assert.equal(pool.pool.inUse, 2);
  relay.reservedNext.release();
  assert.equal(pool.pool.inUse, 1);
  assert.equal(await udpPortIsFree(61721), true);
  relay.close(); // Closing the allocation's socket leaves the (separately owned) reservation alone.
  assert.equal(pool.pool.inUse, 0);

  const again = await pool.allocate({ family: 4, evenPort: true, reserveNextPort: true, onPeerData: () => undefined });
  const claimed = again!.reservedNext!.claim(() => undefined);
  again!.close();
  assert.equal(pool.pool.inUse, 1, 'the claimed port lives on without the allocation that reserved it');
  claimed.close();
  assert.equal(pool.pool.inUse, 0);
  assert.equal(await udpPortIsFree(61721), true);
});

test('pairs whose upper port another process holds are given up after a bounded number of tries, leaving no port bound', async (t) => {
  // Every even port's upper neighbour is taken outside the pool's knowledge: each try binds the even
  // port, fails on the odd one, and must close what it bound.
  const outsiders = await Promise.all([61731, 61733, 61735].map(async (port) => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(port, '127.0.0.1', r));
    return s;
  }));
  t.after(() => outsiders.forEach((s) => s.close()));
  const pool = createRelayAllocator({ relayIps: { 4: '127.0.0.1' }, minPort: 61730, maxPort: 61735 });
  const relay = await within(pool.allocate({ family: 4, evenPort: true, reserveNextPort: true, onPeerData: () => undefined }), 5000, 'the pair search');
  assert.equal(relay, undefined);
  assert.equal(pool.pool.inUse, 0);
  for (const port of [61730, 61732, 61734]) assert.equal(await udpPortIsFree(port), true, `${port} was closed again`);
});
