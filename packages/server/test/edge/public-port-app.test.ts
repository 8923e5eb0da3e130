// The whole server with a public port (in-process): on that one TCP port, HTTPS serves the same
// routes as the HTTPS port, WSS signaling answers, TURN over TLS and over TCP allocate, plain HTTP is
// redirected to https://, and what is advertised (/server-info, /turn-credentials) names the port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import WebSocket from 'ws';
import { selfSignedCertificate } from '@traverse/turn';
import { TurnSocketClient } from '@traverse/turn/test-client';
import { testApp } from '../support/app.ts';
import { metricValue } from '../observability/metric-samples.ts';
import { closedWithin, httpsGet, readAll, tcp, tlsTo } from './support.ts';

describe('the public port of a running server', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let ca: string;
  let port: number;

  before(async () => {
    const certificate = await selfSignedCertificate('traverse-test', { ips: ['127.0.0.1'] });
    ca = certificate.cert;
    app = await testApp({ cert: certificate.cert, key: certificate.key, httpsPort: 0, wssPort: 0, publicPort: 0 });
    assert.ok(app.ports.public, `ports: ${JSON.stringify(app.ports)}`);
    port = app.ports.public;
  });
  after(() => app?.stop());

  test('HTTPS on the public port serves the same routes as the HTTPS port', async () => {
    const health = await httpsGet(port, '/health', ca);
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).status, 'ok');
    const metrics = await httpsGet(port, '/metrics', ca);
    assert.match(metrics.body, /traverse_public_port_connections_total\{route="https"\} [1-9]/);
  });

  test('/server-info: a page from the public port signals there; a page from the HTTPS port on the WSS port', async () => {
    const viaPublic = JSON.parse((await httpsGet(port, '/server-info', ca)).body);
    assert.deepEqual({ wssPort: viaPublic.wssPort, httpsPort: viaPublic.httpsPort, publicPort: viaPublic.publicPort }, { wssPort: port, httpsPort: port, publicPort: port });
    const viaHttps = JSON.parse((await httpsGet(app.ports.https!, '/server-info', ca)).body);
    assert.deepEqual({ wssPort: viaHttps.wssPort, httpsPort: viaHttps.httpsPort, publicPort: viaHttps.publicPort }, { wssPort: app.ports.wss, httpsPort: app.ports.https, publicPort: port });
  });

  test('/turn-credentials advertises TURN over TLS and TCP on the public port, besides the dedicated ports', async () => {
    const creds = JSON.parse((await httpsGet(port, '/turn-credentials', ca)).body) as { urls: string[] };
    assert.deepEqual(creds.urls, [
      `turn:127.0.0.1:${app.ports.turn!.udp}?transport=udp`,
      `turns:127.0.0.1:${port}?transport=tcp`,
      `turn:127.0.0.1:${port}?transport=tcp`,
      `turn:127.0.0.1:${app.ports.turn!.tcp}?transport=tcp`,
      `turns:127.0.0.1:${app.ports.turn!.tls}?transport=tcp`,
    ]);
  });

  test('an HTTPS request whose first bytes come one at a time, slowly, is served whole', async () => {
    const socket = await tlsTo(port, ca);
    const answer = readAll(socket);
    for (const byte of 'GET /health HTTP/1.1\r\n') {
      socket.write(byte);
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.end('Host: x\r\nConnection: close\r\n\r\n');
    assert.match(await answer, /^HTTP\/1\.1 200 [^]*"status":"ok"/);
  });

  test('WSS signaling on the public port: the connect handshake completes', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/`, { ca });
    const frames: { message: string }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp', mediaProviders: ['WebRTC'], clientVersion: '2.0' }] }));
    const deadline = Date.now() + 10_000;
    while (!frames.some((f) => f.message === 'getUserData') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    assert.ok(frames.some((f) => f.message === 'getUserData'), `frames: ${JSON.stringify(frames)}`);
  });

  for (const transport of ['tls', 'tcp'] as const) {
    test(`TURN over ${transport.toUpperCase()} on the public port allocates with the credentials the server hands out`, async (t) => {
      const creds = JSON.parse((await httpsGet(port, '/turn-credentials', ca)).body) as { username: string; credential: string };
      const client = await TurnSocketClient.connect(transport, '127.0.0.1', port, transport === 'tls' ? { ca } : undefined);
      t.after(() => client.close());
      const allocation = await client.allocate({ username: creds.username, password: creds.credential });
      assert.equal(allocation.code, undefined);
      assert.equal(await metricValue(app.httpUrl, 'turn_allocations', `transport="${transport}"`), 1);
      const route = transport === 'tls' ? 'turn_tls' : 'turn_tcp';
      assert.ok(await metricValue(app.httpUrl, 'traverse_public_port_connections_total', `route="${route}"`) >= 1);
    });
  }

  test('plain HTTP on the public port is redirected to https:// on the same host and port', async () => {
    const socket = await tcp(port);
    const answer = readAll(socket);
    socket.write(`GET /two-way-streaming/?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const text = await answer;
    assert.match(text, /^HTTP\/1\.1 301 /);
    assert.match(text, new RegExp(`\r\nlocation: https://127\\.0\\.0\\.1:${port}/two-way-streaming/\\?x=1\r\n`, 'i'));
  });

  test('a WebSocket upgrade in the clear gets 400 naming wss://; a request with a bent Host header gets 400', async () => {
    const ws = await tcp(port);
    const upgrade = readAll(ws);
    ws.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    assert.match(await upgrade, /^HTTP\/1\.1 400 [^]*wss:\/\//);
    const bent = await tcp(port);
    const answer = readAll(bent);
    bent.write('GET / HTTP/1.1\r\nHost: evil.example/\\x\r\n\r\n');
    assert.match(await answer, /^HTTP\/1\.1 400 /);
  });

  test('garbage is closed and counted; TLS that fails its handshake likewise; the port keeps serving', async () => {
    const unknownBefore = await metricValue(app.httpUrl, 'traverse_public_port_refused_total', 'reason="unknown"');
    const garbage = await tcp(port);
    garbage.write('SSH-2.0-OpenSSH_9.6\r\n');
    await closedWithin(garbage, 5000, 'the garbage connection');
    assert.equal(await metricValue(app.httpUrl, 'traverse_public_port_refused_total', 'reason="unknown"'), unknownBefore + 1);

    const badTls = await tcp(port);
    badTls.write(Buffer.from('160301000401000000', 'hex')); // a ClientHello with no body
    await closedWithin(badTls, 5000, 'the bad handshake');
    assert.ok(await metricValue(app.httpUrl, 'traverse_public_port_refused_total', 'reason="tls_handshake"') >= 1);

    // A TLS client that does not trust the certificate gives up: nothing breaks on our side.
    await assert.rejects(new Promise((resolve, reject) => tls.connect({ port, host: '127.0.0.1' }, () => resolve(undefined)).once('error', reject)));
    assert.equal((await httpsGet(port, '/health', ca)).status, 200);
  });
});

test('a public port on the WSS and HTTPS port number (8443 is wssPort\'s default) takes their place: one listener, WSS and HTTPS there', async (t) => {
  const certificate = await selfSignedCertificate('traverse-test', { ips: ['127.0.0.1'] });
  const shared = 22090;
  const app = await testApp({ cert: certificate.cert, key: certificate.key, httpsPort: shared, wssPort: shared, publicPort: shared });
  t.after(() => app.stop());
  assert.deepEqual([app.ports.public, app.ports.https, app.ports.wss], [shared, shared, shared]);
  assert.equal((await httpsGet(shared, '/health', certificate.cert)).status, 200);
  const ws = new WebSocket(`wss://127.0.0.1:${shared}/`, { ca: certificate.cert });
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  ws.close();
});
