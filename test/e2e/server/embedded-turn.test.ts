// The embedded TURN, driven by coturn's turnutils_uclient: it relays to the media server's address on
// the media ports, and refuses every other port of that address (not a door to the host's UDP services).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { runUclient, startPeer } from '../turn/support.ts';

test('the embedded TURN relays to the media address on media ports only', async (t) => {
  const inRange = await startPeer();
  let outOfRange = await startPeer();
  // uclient binds a second channel to the peer's port + 1 (its RTCP), so the media range is two ports.
  while (outOfRange.port === inRange.port + 1) {
    const next = await startPeer();
    await outOfRange.stop();
    outOfRange = next;
  }
  const app = await testApp({
    mediaPortMin: inRange.port,
    mediaPortMax: inRange.port + 1,
    turn: { demoUser: 'u:p' },
  });
  t.after(async () => {
    await Promise.all([inRange.stop(), outOfRange.stop()]);
    await app.stop();
  });
  const turnPort = String(app.ports.turn!.udp);
  const ok = await runUclient(['-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(inRange.port), '-p', turnPort, '-m', '1', '-n', '20', '-c', '127.0.0.1'], 30_000);
  assert.deepEqual(ok.errors, [], ok.output);
  assert.equal(ok.lost, 0, ok.output);
  assert.equal(ok.received, 20, ok.output);

  const refused = await runUclient(['-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(outOfRange.port), '-p', turnPort, '-m', '1', '-n', '5', '-c', '127.0.0.1'], 30_000);
  assert.match(refused.output, /error 403/);
  assert.notEqual(refused.received, 5);
});
