// listenPublicPort() with small limits and recording handlers: where each kind of connection goes
// (with every byte already read), and the bounds a stranger meets: the first-bytes deadline (also
// inside TLS), the bound on connections being read, in all and per address, and close().
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type net from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { selfSignedCertificate } from '@traverse/turn';
import { listenPublicPort, type PublicPort } from '../../src/edge/public-port.ts';
import { metricSamples } from '../observability/metric-samples.ts';
import { closedWithin, httpsGet, tcp, tlsTo } from './support.ts';

const TXID = '0102030405060708090a0b0c';
const BINDING = Buffer.from(`000100002112a442${TXID}`, 'hex');
const FRAMED_BINDING = Buffer.concat([Buffer.from([0, BINDING.length]), BINDING]);
const ALLOCATE = Buffer.from(`000300002112a442${TXID}`, 'hex');

async function waitUntil(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Handed {
  socket: net.Socket;
  head: Buffer;
  secure?: boolean;
}

describe('the public port listener', () => {
  let ca: string;
  let port: PublicPort;
  let registry: Registry;
  const turn: Handed[] = [];
  const iceTcp: Handed[] = [];

  before(async () => {
    const certificate = await selfSignedCertificate('traverse-test', { ips: ['127.0.0.1'] });
    ca = certificate.cert;
    registry = new Registry();
    const https = createServer((_req, res) => res.end('served'));
    port = await listenPublicPort({
      host: '127.0.0.1', port: 0, tls: certificate, https, logger: pino({ level: 'silent' }), registry,
      turn: (socket, { secure, head }) => turn.push({ socket, head, secure }),
      iceTcp: (socket, head) => iceTcp.push({ socket, head }),
      limits: { firstBytesTimeoutMs: 400, maxPending: 6, maxPendingPerAddress: 3, httpIdleMs: 500, maxHttpPerAddress: 2 },
    });
  });
  after(() => port?.close());

  const refused = async (reason: string) => metricSamples(await registry.metrics(), 'traverse_public_port_refused_total').get(`{reason="${reason}"}`) ?? 0;
  const handedOver = async (list: Handed[], n: number) => {
    await waitUntil(() => list.length >= n, `${n} connections handed over`);
    assert.equal(list.length, n);
    return list[n - 1]!;
  };

  test('an ICE-TCP check sent a byte at a time goes to iceTcp with every byte read so far, paused; the rest follows on the socket', async () => {
    const client = await tcp(port.port);
    for (const byte of FRAMED_BINDING.subarray(0, 12)) {
      client.write(Buffer.from([byte]));
      await new Promise((r) => setTimeout(r, 2));
    }
    const handed = await handedOver(iceTcp, 1);
    assert.ok(handed.socket.isPaused(), 'handed over paused');
    client.write(FRAMED_BINDING.subarray(12));
    const rest: Buffer[] = [];
    handed.socket.on('data', (d: Buffer) => rest.push(d));
    handed.socket.resume();
    await waitUntil(() => Buffer.concat([handed.head, ...rest]).length >= FRAMED_BINDING.length, 'the whole check');
    assert.deepEqual(Buffer.concat([handed.head, ...rest]), FRAMED_BINDING);
    client.destroy();
  });

  test('bare STUN goes to TURN as TCP; STUN inside TLS goes to TURN as TLS, decrypted', async () => {
    const plain = await tcp(port.port);
    plain.write(ALLOCATE);
    const first = await handedOver(turn, 1);
    assert.deepEqual([first.secure, first.head], [false, ALLOCATE]);
    const secure = await tlsTo(port.port, ca);
    secure.write(ALLOCATE);
    const second = await handedOver(turn, 2);
    assert.deepEqual([second.secure, second.head], [true, ALLOCATE]);
    plain.destroy();
    secure.destroy();
  });

  test('silence is closed at the deadline: before TLS, and inside TLS after the handshake', async () => {
    const before = await refused('timeout');
    const silent = await tcp(port.port);
    const silentInTls = await tlsTo(port.port, ca);
    await Promise.all([closedWithin(silent, 3000, 'a silent connection'), closedWithin(silentInTls, 3000, 'a silent TLS connection')]);
    assert.equal(await refused('timeout'), before + 2);
  });

  test('a stalled TLS handshake is closed at the deadline', async () => {
    const stalled = await tcp(port.port);
    stalled.write(Buffer.from('1603010200010001fc0303', 'hex')); // a ClientHello's first bytes, then nothing
    await closedWithin(stalled, 3000, 'a stalled handshake');
  });

  test('garbage inside TLS is closed and counted unknown', async () => {
    const before = await refused('unknown');
    const secure = await tlsTo(port.port, ca);
    secure.write('\xff\xff\xff\xff not anything');
    await closedWithin(secure, 3000, 'garbage inside TLS');
    assert.equal(await refused('unknown'), before + 1);
  });

  test('connections being read are bounded per address and in all; the bound frees as they close; others are served meanwhile', async () => {
    const busyAddress = await refused('busy_address');
    const busy = await refused('busy');
    const fromTwo = await Promise.all([1, 2, 3].map(() => tcp(port.port, '127.0.0.2')));
    const fourthFromTwo = await tcp(port.port, '127.0.0.2');
    await closedWithin(fourthFromTwo, 1000, 'a fourth silent connection from one address');
    assert.equal(await refused('busy_address'), busyAddress + 1);
    // Another address is served while 127.0.0.2 holds its three.
    assert.equal((await httpsGet(port.port, '/', ca)).body, 'served');
    const fromThree = await Promise.all([1, 2, 3].map(() => tcp(port.port, '127.0.0.3')));
    await waitUntil(() => port.pending === 6, 'six connections being read');
    const seventh = await tcp(port.port, '127.0.0.4');
    await closedWithin(seventh, 1000, 'a seventh silent connection');
    assert.equal(await refused('busy'), busy + 1);
    // At the deadline the six are closed, and the port takes new connections again.
    await Promise.all([...fromTwo, ...fromThree].map((s) => closedWithin(s, 3000, 'a silent connection')));
    await waitUntil(() => port.pending === 0, 'no connection being read');
    assert.equal((await httpsGet(port.port, '/', ca)).body, 'served');
  });

  test('HTTP(S) handed to the page server: an idle or half-sent request is closed after httpIdleMs, and one address holds at most maxHttpPerAddress', async () => {
    const before = await refused('busy_address');
    const stalled = await tlsTo(port.port, ca);
    stalled.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const plain = await tcp(port.port);
    plain.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await new Promise((r) => setTimeout(r, 100));
    const third = await tcp(port.port);
    third.write('GET / HTTP/1.1\r\n');
    await closedWithin(third, 2000, 'a third HTTP connection from one address');
    assert.equal(await refused('busy_address'), before + 1);
    await closedWithin(stalled, 2000, 'the stalled HTTPS request');
    await closedWithin(plain, 2000, 'the stalled plain request');
    assert.equal((await httpsGet(port.port, '/', ca)).body, 'served', 'room again once they are gone');
  });

  test('close() ends every connection it accepted, handed over or not, and resolves', async () => {
    const idle = await tcp(port.port);
    const toTurn = await tcp(port.port);
    toTurn.write(ALLOCATE);
    await handedOver(turn, 3);
    await port.close();
    await Promise.all([closedWithin(idle, 2000, 'an idle connection'), closedWithin(toTurn, 2000, 'a connection handed to TURN')]);
  });
});

test('without TURN and ICE-TCP handlers, such connections are closed as unavailable', async (t) => {
  const certificate = await selfSignedCertificate('traverse-test', { ips: ['127.0.0.1'] });
  const registry = new Registry();
  const port = await listenPublicPort({ host: '127.0.0.1', port: 0, tls: certificate, https: createServer(), logger: pino({ level: 'silent' }), registry });
  t.after(() => port.close());
  for (const bytes of [ALLOCATE, FRAMED_BINDING]) {
    const socket = await tcp(port.port);
    socket.write(bytes);
    await closedWithin(socket, 2000, 'a connection nobody serves');
  }
  assert.equal(metricSamples(await registry.metrics(), 'traverse_public_port_refused_total').get('{reason="unavailable"}'), 2);
});
