// The embedded TURN, driven by coturn's turnutils_uclient: it relays to the media server's address on
// the media ports, and refuses every other port of that address (not a door to the host's UDP services).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { metricsOf, waitForNoTurnAllocations } from '../support/turn-allocations.ts';
import { runUclient, startPeer } from '../turn/support.ts';
import { E2E_TURN_RELAY_PORTS } from './turn-ports.ts';

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
    turn: { demoUser: 'u:p', ...E2E_TURN_RELAY_PORTS },
  });
  t.after(async () => {
    await Promise.all([inRange.stop(), outOfRange.stop()]);
    await app.stop();
  });
  // uclient over TCP: it never deallocates, so only a closing connection ends its allocations, which
  // the check at the end relies on (a UDP allocation would live out its lifetime).
  const turnPort = String(app.ports.turn!.tcp);
  const ok = await runUclient(['-t', '-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(inRange.port), '-p', turnPort, '-m', '1', '-n', '20', '-c', '127.0.0.1'], 30_000);
  assert.deepEqual(ok.errors, [], ok.output);
  assert.equal(ok.lost, 0, ok.output);
  assert.equal(ok.received, 20, ok.output);

  const refused = await runUclient(['-t', '-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(outOfRange.port), '-p', turnPort, '-m', '1', '-n', '5', '-c', '127.0.0.1'], 30_000);
  assert.match(refused.output, /error 403/);
  assert.notEqual(refused.received, 5);

  // uclient has exited, its TCP connections closed: so did their allocations.
  const created = await waitForNoTurnAllocations(metricsOf(app.httpUrl));
  assert.ok(created >= 2, `allocations created: ${created}`);
});
