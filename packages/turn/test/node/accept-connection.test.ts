// TurnServer.acceptConnection(): connections accepted on a port the TURN server does not own (a
// shared port that reads a connection's first bytes before it knows it is TURN) are served exactly as
// on the dedicated TCP and TLS listeners: the bytes already read count, TLS terminated by the caller
// counts as TLS, and the same limits hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { createTurnServer, type TurnServer } from '../../src/index.ts';
import { within } from '../support/bounded.ts';
import { echoPeer } from '../support/echo-peer.ts';
import { TurnSocketClient } from '../support/socket-client.ts';
import { requests } from '../support/turn-messages.ts';

const USER = { username: 'u', password: 'p' };
// Relay ports of this file (outside Linux's ephemeral range).
const MIN_PORT = 22400;
const MAX_PORT = 22419;

async function startServer(extra: Parameters<typeof createTurnServer>[0] = {}): Promise<TurnServer> {
  // No stream listeners of its own: every TCP or TLS connection comes through acceptConnection.
  return createTurnServer({
    listeningIps: ['127.0.0.1'], listeningPort: 0, tcp: false, tls: false, relayIps: ['127.0.0.1'], minPort: MIN_PORT, maxPort: MAX_PORT,
    realm: 'test', users: [USER], allowLoopbackPeers: true, ...extra,
  });
}

/**
 * A port that reads `sniffBytes` of each connection before handing it over with those bytes as
 * `head`, TLS terminated first when `tlsContext` is given.
 */
async function handingOverPort(turn: TurnServer, sniffBytes: number, tlsContext?: { cert: string; key: string }): Promise<{ port: number; close(): Promise<void> }> {
  const sniffThenHand = (socket: net.Socket, secure: boolean) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < sniffBytes) return;
      socket.off('data', onData);
      socket.pause();
      turn.acceptConnection(socket, { secure, head });
    };
    socket.on('data', onData);
  };
  const terminator = tlsContext ? tls.createServer(tlsContext, (s) => sniffThenHand(s, true)) : undefined;
  const accepted = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted.add(socket);
    socket.once('close', () => accepted.delete(socket));
    if (terminator) terminator.emit('connection', socket);
    else sniffThenHand(socket, false);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      for (const s of accepted) s.destroy();
    }),
  };
}

for (const secure of [false, true]) {
  const kind = secure ? 'tls' : 'tcp';
  test(`a ${kind} connection handed over after its first bytes were read allocates and relays, counted as ${kind}`, async (t) => {
    const turn = await startServer();
    const context = secure ? await import('../../src/node/certificate.ts').then((m) => m.selfSignedCertificate('turn.test', { ips: ['127.0.0.1'] })) : undefined;
    // 7 bytes: the handover happens in the middle of the first STUN header.
    const port = await handingOverPort(turn, 7, context);
    const peer = await echoPeer();
    t.after(async () => {
      peer.close();
      await port.close();
      await turn.close();
    });
    const client = await TurnSocketClient.connect(kind, '127.0.0.1', port.port, context ? { ca: context.cert } : undefined);
    t.after(() => client.close());
    const alloc = await client.allocate(USER);
    assert.equal(alloc.code, undefined);
    assert.ok(alloc.relayed!.port >= MIN_PORT && alloc.relayed!.port <= MAX_PORT);
    assert.equal((await client.channelBind(0x4000, '127.0.0.1', peer.port)).code, undefined);
    for (let i = 0; i < 5; i++) {
      client.sendChannelData(0x4000, Buffer.from(`handed-over-${i}`));
      assert.equal((await client.nextChannelData()).data.toString(), `handed-over-${i}`);
    }
    assert.equal(turn.allocations()[0]?.transport, kind);
    assert.equal(turn.stats().traffic[kind].toClientPackets, 5);
  });
}

test('handed-over connections keep the per-address limit; a silent one is closed after the unauthenticated timeout', async (t) => {
  const turn = await startServer({ maxConnectionsPerIp: 2, unauthenticatedTimeoutSeconds: 0.5 });
  const port = await handingOverPort(turn, 1);
  t.after(async () => {
    await port.close();
    await turn.close();
  });
  const first = [await TurnSocketClient.connect('tcp', '127.0.0.1', port.port), await TurnSocketClient.connect('tcp', '127.0.0.1', port.port)];
  t.after(() => first.forEach((c) => c.close()));
  for (const c of first) assert.ok((await c.request(requests.binding())).mapped, 'within the limit: served');
  const third = await TurnSocketClient.connect('tcp', '127.0.0.1', port.port);
  t.after(() => third.close());
  await assert.rejects(third.request(requests.binding(), 2000), 'the third from one address is closed');
  // The two that never authenticated are closed by the timeout, as on a dedicated listener.
  await within(Promise.all(first.map((c) => c.next(() => false, 5000).catch(() => c.closed))), 6000, 'silent connections closed');
  assert.ok(first.every((c) => c.closed));
});

test('after close(), a handed-over connection is destroyed', async () => {
  const turn = await startServer();
  await turn.close();
  const [a, b] = await socketPair();
  const closed = new Promise((r) => b.once('close', r));
  turn.acceptConnection(b, { secure: false });
  a.destroy();
  await within(closed, 2000, 'the socket is destroyed');
  assert.ok(b.destroyed);
});

/** Two ends of a loopback TCP connection. */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const a = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const b = await accepted;
  server.close();
  return [a, b];
}
