// createTurnServer() on loopback sockets: relaying over UDP, TCP and TLS, limits, metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Registry } from 'prom-client';
import { createTurnServer, type TurnServer } from '../../src/index.ts';
import { eventually, within } from '../support/bounded.ts';
import { echoPeer } from '../support/echo-peer.ts';
import { TurnSocketClient, type Transport } from '../support/socket-client.ts';
import { requests } from '../support/turn-messages.ts';

const USER = { username: 'u', password: 'p' };
// Relay ports outside Linux's ephemeral range (32768–60999), so no outgoing socket of this machine
// can hold one; 61000–61099 belong to this file.
const MIN_PORT = 61000;
const MAX_PORT = 61099;
const SINGLE_PORT = 61099;

async function startServer(extra: Parameters<typeof createTurnServer>[0] = {}): Promise<TurnServer> {
  return createTurnServer({
    listeningIps: ['127.0.0.1'], listeningPort: 0, tlsListeningPort: 0, relayIps: ['127.0.0.1'], minPort: MIN_PORT, maxPort: MAX_PORT,
    realm: 'test', users: [USER], allowLoopbackPeers: true, ...extra,
  });
}

for (const transport of ['udp', 'tcp', 'tls'] as Transport[]) {
  test(`relays ChannelData to a UDP peer and back over ${transport}`, async (t) => {
    const server = await startServer();
    const peer = await echoPeer();
    t.after(async () => {
      peer.close();
      await server.close();
    });
    const port = server.addresses()[transport][0]!.port;
    // TLS: the client verifies the generated certificate (its IP names include 127.0.0.1).
    const verify = transport === 'tls' ? { ca: server.tlsCertificate!.cert } : undefined;
    const client = await TurnSocketClient.connect(transport, '127.0.0.1', port, verify);
    t.after(() => client.close());
    const alloc = await client.allocate(USER);
    assert.equal(alloc.code, undefined);
    assert.equal(alloc.relayed?.address, '127.0.0.1');
    assert.ok(alloc.relayed!.port >= MIN_PORT && alloc.relayed!.port <= MAX_PORT);
    assert.equal((await client.channelBind(0x4000, '127.0.0.1', peer.port)).code, undefined);
    for (let i = 0; i < 20; i++) {
      const payload = Buffer.from(`packet-${i}-${'x'.repeat(i)}`);
      client.sendChannelData(0x4000, payload);
      const back = await client.nextChannelData();
      assert.equal(back.channel, 0x4000);
      assert.deepEqual(back.data, payload);
    }
    const stats = server.stats();
    assert.equal(stats.allocations, 1);
    assert.equal(stats.traffic[transport].toPeerPackets, 20);
    assert.equal(stats.traffic[transport].toClientPackets, 20);
  });
}

for (const transport of ['tcp', 'tls'] as Transport[]) {
  test(`a burst of ChannelData relayed to a ${transport} client in one turn arrives whole, padded and in order`, async (t) => {
    const server = await startServer();
    const peer = await echoPeer();
    t.after(async () => {
      peer.close();
      await server.close();
    });
    const verify = transport === 'tls' ? { ca: server.tlsCertificate!.cert } : undefined;
    const client = await TurnSocketClient.connect(transport, '127.0.0.1', server.addresses()[transport][0]!.port, verify);
    t.after(() => client.close());
    assert.equal((await client.allocate(USER)).code, undefined);
    assert.equal((await client.channelBind(0x4000, '127.0.0.1', peer.port)).code, undefined);
    // Odd sizes: each frame carries its own stream padding, also when writes to the client are coalesced.
    const payloads = Array.from({ length: 60 }, (_, i) => Buffer.alloc(1 + ((i * 37) % 1200), i));
    for (const p of payloads) client.sendChannelData(0x4000, p);
    for (const p of payloads) assert.deepEqual((await client.nextChannelData(5000)).data, p);
  });
}

test('a relay port is free again as soon as its allocation is deleted', async (t) => {
  const server = await startServer({ minPort: SINGLE_PORT, maxPort: SINGLE_PORT });
  t.after(() => server.close());
  const a = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => a.close());
  assert.equal((await a.allocate(USER)).relayed?.port, SINGLE_PORT);
  const b = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => b.close());
  assert.equal((await b.allocate(USER)).code, 508, 'the only port is taken');
  assert.equal((await a.request(requests.refresh(a.creds!, 0))).lifetime, 0);
  assert.equal(server.stats().relayPortsInUse, 0);
  const c = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => c.close());
  assert.equal((await c.allocate(USER)).relayed?.port, SINGLE_PORT, 'reused at once');
});

test('a TCP connection that never authenticates is closed after the timeout', async (t) => {
  const server = await startServer({ unauthenticatedTimeoutSeconds: 0.3 });
  t.after(() => server.close());
  const socket = net.connect(server.addresses().tcp[0]!.port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  await within(closed, 5000, 'the server closes the silent connection');
});

test('before authenticating, a TCP client may send frames of 4 KB at most; after, the full size', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const port = server.addresses().tcp[0]!.port;
  const stranger = net.connect(port, '127.0.0.1');
  stranger.on('error', () => undefined);
  await new Promise((r) => stranger.once('connect', r));
  const closed = new Promise((r) => stranger.on('close', r));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0); // Binding request...
  header.writeUInt16BE(8000, 2); // ...announcing 8 KB of attributes
  header.writeUInt32BE(0x2112a442, 4);
  stranger.write(header);
  await within(closed, 5000, 'the server closes the connection announcing 8 KB');

  const client = await TurnSocketClient.connect('tcp', '127.0.0.1', port);
  t.after(() => client.close());
  assert.equal((await client.allocate(USER)).code, undefined);
  const peer = await echoPeer();
  t.after(() => peer.close());
  assert.equal((await client.channelBind(0x4000, '127.0.0.1', peer.port)).code, undefined);
  const payload = Buffer.alloc(20_000, 1);
  client.sendChannelData(0x4000, payload);
  const back = await client.nextChannelData();
  assert.equal(back.data.length, payload.length, 'a 20 KB ChannelData frame passes both ways');
});

test('one client address may hold maxConnectionsPerIp TCP connections; more are closed at once', async (t) => {
  const server = await startServer({ maxConnectionsPerIp: 3 });
  t.after(() => server.close());
  const port = server.addresses().tcp[0]!.port;
  const first = [
    await TurnSocketClient.connect('tcp', '127.0.0.1', port),
    await TurnSocketClient.connect('tcp', '127.0.0.1', port),
    await TurnSocketClient.connect('tcp', '127.0.0.1', port),
  ];
  t.after(() => first.forEach((c) => c.close()));
  const fourth = net.connect(port, '127.0.0.1');
  fourth.on('error', () => undefined);
  await within(new Promise((r) => fourth.once('close', r)), 5000, 'the fourth connection is closed by the server');
  // The first three stay: each still answers a request sent after the fourth was refused.
  for (const c of first) assert.ok((await c.request(requests.binding())).mapped, 'an earlier connection still answers');
  first[0]!.close();
  // The slot is free once the server has seen that close; until then a new connection is refused.
  const client = await eventually(async () => {
    const c = await TurnSocketClient.connect('tcp', '127.0.0.1', port);
    try {
      await c.request(requests.binding(), 1000);
      return c;
    } catch {
      c.close();
      return undefined;
    }
  }, 5000, 'a connection in the freed slot');
  t.after(() => client.close());
  assert.equal((await client.allocate(USER)).code, undefined, 'a slot freed is a slot again');
});

test('a TCP connection sending garbage is closed; the server keeps serving others', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const socket = net.connect(server.addresses().tcp[0]!.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  const closed = new Promise((r) => socket.on('close', r));
  socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
  await within(closed, 5000, 'the server closes the connection sending garbage');
  const ok = await TurnSocketClient.connect('tcp', '127.0.0.1', server.addresses().tcp[0]!.port);
  t.after(() => ok.close());
  assert.equal((await ok.allocate(USER)).code, undefined);
});

test('metrics expose allocations, relayed traffic and auth failures', async (t) => {
  const registry = new Registry();
  const server = await startServer({ metrics: registry, tls: false });
  const peer = await echoPeer();
  t.after(async () => {
    peer.close();
    await server.close();
  });
  const client = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => client.close());
  await client.allocate(USER);
  await client.channelBind(0x4001, '127.0.0.1', peer.port);
  client.sendChannelData(0x4001, Buffer.alloc(100));
  await client.nextChannelData();
  const bad = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => bad.close());
  assert.equal((await bad.allocate({ username: 'u', password: 'wrong' })).code, 401);
  const text = await registry.metrics();
  assert.match(text, /turn_allocations\{transport="udp"\} 1/);
  assert.match(text, /turn_allocations_total 1/);
  assert.match(text, /turn_relayed_packets_total\{transport="udp",direction="to_peer"\} 1/);
  assert.match(text, /turn_relayed_bytes_total\{transport="udp",direction="to_client"\} 100/);
  assert.match(text, /turn_auth_failures_total 1/);
});

test('createTurnServer() refuses bad options with a message naming the field', async () => {
  await assert.rejects(createTurnServer({ users: [], listeningPort: 70000 } as never), /listeningPort[\s\S]*users: no credentials/);
});

test('without a certificate, TLS uses a generated self-signed one', async (t) => {
  const server = await startServer({ udp: false, tcp: false });
  t.after(() => server.close());
  assert.equal(server.tlsCertificate?.selfSigned, true);
  assert.match(server.tlsCertificate!.cert, /BEGIN CERTIFICATE/);
});
