// Structure-aware, authenticated mutation fuzz of the TURN server (authenticated-fuzz.ts), run in a
// network namespace that has only `lo`: mutated peer addresses cannot reach anything beyond it.
// Real allocations, permissions and channels over UDP and TCP receive bursts of mutated Refresh,
// CreatePermission, ChannelBind, Send and ChannelData, each request re-signed after the mutation; between
// bursts well-formed clients must still get their relayed echoes. Seeded: a failure replays from its seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInLoopbackOnlyNetns } from '../support/loopback-netns.ts';
import type { FuzzConfig, FuzzReport, TransportReport } from './authenticated-fuzz.ts';

const CONFIG: FuzzConfig = {
  seed: 0x7e57_2026,
  messages: 20_000, // per transport
  burst: 100,
  probeEvery: 20,
  timeLimitMs: 240_000,
  minPort: 61600,
  maxPort: 61699,
};
/** Codes a handler answers for a request it understood and refused (not 437: no allocation). */
const HANDLER_CODES = [400, 403, 420, 443, 508];

function handlerRejections(r: TransportReport, method: string): number {
  return HANDLER_CODES.reduce((n, code) => n + (r.rejected[`${method} ${code}`] ?? 0), 0);
}

test(`TURN handlers take ${2 * CONFIG.messages} mutated, re-signed messages on live allocations over UDP and TCP, and keep relaying (seed ${CONFIG.seed.toString(16)})`, { timeout: CONFIG.timeLimitMs + 60_000 }, async (t) => {
  const driver = runInLoopbackOnlyNetns(process.execPath, ['--import', 'tsx', 'test/e2e/turn/authenticated-fuzz.ts', JSON.stringify(CONFIG)], CONFIG.timeLimitMs + 30_000);
  t.after(() => driver.stop());
  const code = await driver.exited;
  assert.equal(code, 0, `the fuzz driver failed:\n${driver.stderr().slice(-4000)}`);
  const report = JSON.parse(driver.stdout().trim().split('\n').at(-1)!) as FuzzReport;
  t.diagnostic(JSON.stringify(report));

  assert.deepEqual(report.interfaces, ['lo'], 'the server ran where only loopback exists');
  assert.equal(report.authFailures, 0, 'every mutated request was correctly signed, so none stopped at authentication');
  assert.ok(report.probes >= (2 * CONFIG.messages) / CONFIG.burst / CONFIG.probeEvery / 2, `probes passed between bursts (${report.probes})`);
  for (const [transport, r] of [['udp', report.udp], ['tcp', report.tcp]] as const) {
    assert.ok(r.sent >= CONFIG.messages, `${transport}: ${r.sent} sent`);
    for (const method of ['Refresh', 'CreatePermission', 'ChannelBind']) {
      assert.ok((r.answers[`${method} ok`] ?? 0) > 0, `${transport}: some ${method} succeeded on the live allocation`);
      assert.ok(handlerRejections(r, method) > 0, `${transport}: the ${method} handler refused mutated input (${JSON.stringify(r.rejected)})`);
    }
    assert.ok(r.refreshed > 0, `${transport}: Refresh extended the allocation`);
    assert.ok(Object.keys(r.rejected).some((k) => k.endsWith(' 441')), `${transport}: requests signed by another user were refused with 441`);
    assert.ok(r.sendRelayed > 0, `${transport}: Send indications were relayed to their peer`);
    assert.ok(r.channelRelayed > 0, `${transport}: ChannelData was relayed to bound peers`);
    // TCP loses nothing: every request is answered and the connection never closes (frames stay well-formed).
    if (transport === 'tcp') {
      assert.equal(r.answered, r.requests, 'tcp: every request answered');
      assert.equal(r.reconnects, 1, 'tcp: one connection all along');
    } else {
      assert.ok(r.answered >= 0.95 * r.requests, `udp: ${r.answered} of ${r.requests} requests answered`);
    }
  }
  assert.ok(report.allocationsAtEnd <= 4 && report.relayPortsAtEnd <= 4, `allocations stay bounded (${report.allocationsAtEnd}, ${report.relayPortsAtEnd} ports)`);
});
