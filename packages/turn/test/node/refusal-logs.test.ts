// What a client can make the TURN server write: refused peers, failed authentications and garbage
// are each counted in a metric, and logged at most a few lines per second (issue 13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createTurnServer } from '../../src/index.ts';
import { createLogGate } from '../../src/log-gate.ts';
import { TurnSocketClient } from '../support/socket-client.ts';
import { requests } from '../support/turn-messages.ts';

const USER = { username: 'u', password: 'p' };

test('createLogGate(): a few lines per second and kind; the next line that passes says how many were left out', () => {
  let now = 0;
  const gate = createLogGate(3, () => now);
  const written: [string, number][] = [];
  for (let i = 0; i < 10; i++) gate.pass('peer', (s) => written.push(['peer', s]));
  gate.pass('auth', (s) => written.push(['auth', s]));
  assert.deepEqual(written, [['peer', 0], ['peer', 0], ['peer', 0], ['auth', 0]]);
  now = 1000;
  gate.pass('peer', (s) => written.push(['peer', s]));
  assert.deepEqual(written.at(-1), ['peer', 7]);
  gate.pass('peer', (s) => written.push(['peer', s]));
  assert.deepEqual(written.at(-1), ['peer', 0]);
});

test('a flood of refused peers, wrong passwords and garbage is counted one by one and logged in a few lines', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); done(); } });
  const registry = new Registry();
  // Relay ports outside the ephemeral range; 62950–62959 belong to this file.
  const server = await createTurnServer({
    listeningIps: ['127.0.0.1'], listeningPort: 0, tlsListeningPort: 0, relayIps: ['127.0.0.1'], minPort: 62950, maxPort: 62959,
    realm: 'test', users: [USER], logger: pino({ level: 'info' }, sink), metrics: registry,
    // Every wrong password answered and counted: only the log gate may hold lines back here.
    authFailureBurst: 1000,
  });
  const client = await TurnSocketClient.connect('tcp', '127.0.0.1', server.addresses().tcp[0]!.port);
  t.after(async () => {
    client.close();
    await server.close();
  });
  assert.equal((await client.allocate(USER)).code, undefined);
  const started = Date.now();
  const FLOOD = 300;
  // Loopback peers are refused by default: 403 each time.
  for (let i = 0; i < FLOOD; i++) assert.equal((await client.request(requests.createPermission(client.creds!, ['127.0.0.1']))).code, 403);
  const wrong = await TurnSocketClient.connect('tcp', '127.0.0.1', server.addresses().tcp[0]!.port);
  t.after(() => wrong.close());
  const challenge = await wrong.request(requests.allocate());
  for (let i = 0; i < 60; i++) {
    const r = await wrong.request(requests.allocate({ username: 'u', password: 'wrong', realm: challenge.realm!, nonce: challenge.nonce! }));
    assert.equal(r.code, 401);
  }
  // Garbage that is not STUN, and a STUN message whose FINGERPRINT is wrong, over UDP.
  const udp = await TurnSocketClient.connect('udp', '127.0.0.1', server.addresses().udp[0]!.port);
  t.after(() => udp.close());
  const bad = Buffer.from(requests.allocate().bytes);
  bad[bad.length - 1]! ^= 0xff;
  for (let i = 0; i < 100; i++) {
    udp.send(Buffer.from([0x00, 0x01, 0x00, 0x04, 1, 2, 3]));
    udp.send(bad);
  }
  // A good request after the garbage is answered, so everything before it has been read.
  assert.equal((await udp.request(requests.allocate())).code, 401);
  const elapsedSeconds = Math.ceil((Date.now() - started) / 1000);

  const metrics = await registry.metrics();
  assert.match(metrics, new RegExp(`turn_requests_refused_total\\{code="403"\\} ${FLOOD}\\n`));
  assert.match(metrics, /turn_invalid_packets_total\{transport="udp",reason="undecodable"\} 100\n/);
  assert.match(metrics, /turn_invalid_packets_total\{transport="udp",reason="bad_fingerprint"\} 100\n/);
  const refused = lines.filter((l) => String(l.msg).startsWith('peer refused'));
  const failed = lines.filter((l) => String(l.msg).startsWith('authentication failed'));
  // Five lines per second and kind, whatever the machine's speed.
  assert.ok(refused.length >= 1 && refused.length <= 5 * (elapsedSeconds + 1), `${refused.length} peer-refused lines in ${elapsedSeconds} s`);
  assert.ok(failed.length >= 1 && failed.length <= 5 * (elapsedSeconds + 1), `${failed.length} auth-failure lines in ${elapsedSeconds} s`);
  assert.ok(lines.length < 80, `${lines.length} lines in all`);
});
