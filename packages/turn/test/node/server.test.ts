// createTurnServer() on loopback sockets: relaying over UDP, TCP and TLS, limits, metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { Registry } from 'prom-client';
import { createTurnServer, type TurnServer } from '../../src/index.ts';
import { TurnSocketClient, type Transport } from '../support/socket-client.ts';

const USER = { username: 'u', password: 'p' };

async function startServer(extra: Parameters<typeof createTurnServer>[0] = {}): Promise<TurnServer> {
  return createTurnServer({
    listeningIps: ['127.0.0.1'], listeningPort: 0, tlsListeningPort: 0, relayIps: ['127.0.0.1'], minPort: 45000, maxPort: 45999,
    realm: 'test', users: [USER], allowLoopbackPeers: true, ...extra,
  });
}

async function echoPeer(): Promise<{ port: number; close(): void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  s.on('message', (m, r) => s.send(m, r.port, r.address));
  return { port: s.address().port, close: () => s.close() };
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
    const client = await TurnSocketClient.connect(transport, '127.0.0.1', port);
    t.after(() => client.close());
    const alloc = await client.allocate(USER);
    assert.equal(alloc.code, undefined);
    assert.equal(alloc.relayed?.address, '127.0.0.1');
    assert.ok(alloc.relayed!.port >= 45000 && alloc.relayed!.port <= 45999);
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

test('a relay port is free again as soon as its allocation is deleted', async (t) => {
  const server = await startServer({ minPort: 46000, maxPort: 46000 });
  t.after(() => server.close());
  const a = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => a.close());
  assert.equal((await a.allocate(USER)).relayed?.port, 46000);
  const b = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => b.close());
  assert.equal((await b.allocate(USER)).code, 508, 'the only port is taken');
  const { requests } = await import('../support/turn-messages.ts');
  assert.equal((await a.request(requests.refresh(a.creds!, 0))).lifetime, 0);
  assert.equal(server.stats().relayPortsInUse, 0);
  const c = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => c.close());
  assert.equal((await c.allocate(USER)).relayed?.port, 46000, 'reused at once');
});

test('a TCP connection that never authenticates is closed after the timeout', async (t) => {
  const server = await startServer({ unauthenticatedTimeoutSeconds: 0.3 });
  t.after(() => server.close());
  const socket = net.connect(server.addresses().tcp[0]!.port, '127.0.0.1');
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  socket.on('error', () => undefined);
  const started = Date.now();
  const at = await closed;
  assert.ok(at - started < 3000, 'closed by the server');
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
  await closed;

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
  const open = async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    const closed = new Promise<boolean>((r) => socket.once('close', () => r(true)));
    return { socket, closedSoon: Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 500))]) };
  };
  const first = [await open(), await open(), await open()];
  t.after(() => first.forEach((c) => c.socket.destroy()));
  const fourth = await open();
  assert.equal(await fourth.closedSoon, true, 'the fourth is refused');
  for (const c of first) assert.equal(await c.closedSoon, false, 'the first three stay');
  first[0]!.socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const client = await TurnSocketClient.connect('tcp', '127.0.0.1', port);
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
  await closed;
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
