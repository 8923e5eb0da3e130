// Item 5 of issue 9 in Chromium on loopback: /connectivity/ tries every path to the server's media and
// says what got through. Here nothing is blocked, so every path the server offers is reachable.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import type { ConnectivityReport } from '../../../packages/sdk/src/index.ts';
import { launchBrowser, type Browser } from '../support/browser.ts';
import { throwawayCertificate } from '../support/certificate.ts';

/** Relay ports of this suite's embedded TURN (its share of 22500–22999). */
const RELAY_PORTS = { minPort: 22700, maxPort: 22899 } as const;
/** Nothing listens there: a signaling URL that cannot answer. */
const CLOSED_PORT = 22999;

async function reportOf(page: Page, timeoutMs = 30_000): Promise<ConnectivityReport> {
  const handle = await page.waitForFunction(() => (window as unknown as { connectivityReport?: unknown }).connectivityReport, undefined, { timeout: timeoutMs, polling: 200 });
  return (await handle.jsonValue()) as ConnectivityReport;
}

describe('the connectivity self-test on loopback', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  before(async () => {
    const certificate = await throwawayCertificate(['127.0.0.1']);
    app = await testApp({ cert: certificate.cert, key: certificate.key, httpsPort: 0, wssPort: 0, turn: RELAY_PORTS });
    browser = await launchBrowser({ trustedSpki: [certificate.spki] });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('/connectivity/ is linked from the landing page, finds all five paths reachable with their evidence, and says media uses UDP directly', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${app.httpUrl}/`);
      assert.ok(await page.$('a[href="connectivity/"]'), 'linked from the landing page');
      await page.goto(`${app.httpUrl}/connectivity/`);
      const report = await reportOf(page);
      const row = (path: string) => report.paths.find((p) => p.path === path)!;
      const all = JSON.stringify(report, null, 1);
      assert.deepEqual(report.paths.map((p) => p.path), ['udp', 'tcp', 'turn-udp', 'turn-tcp', 'turn-tls']);

      assert.equal(row('udp').outcome, 'reachable', all);
      assert.deepEqual([row('udp').local?.protocol, row('udp').remote?.protocol], ['udp', 'udp'], all);
      assert.notEqual(row('udp').local?.type, 'relay', all);
      // ICE-TCP: straight to the server's passive TCP candidate.
      assert.equal(row('tcp').outcome, 'reachable', all);
      assert.deepEqual([row('tcp').local?.protocol, row('tcp').remote?.protocol, row('tcp').remote?.type], ['tcp', 'tcp', 'host'], all);
      assert.equal(row('tcp').serverPort, app.mediaPorts?.tcp, all);
      for (const [path, relayProtocol] of [['turn-udp', 'udp'], ['turn-tcp', 'tcp'], ['turn-tls', 'tls']] as const) {
        assert.equal(row(path).outcome, 'reachable', all);
        assert.deepEqual([row(path).local?.type, row(path).local?.relayProtocol], ['relay', relayProtocol], all);
      }
      for (const r of report.paths) {
        assert.ok(r.connectMs! > 0 && r.connectMs! < 6000, all);
        assert.ok(r.rttMs !== undefined && r.rttMs >= 0 && r.rttMs < 1000, all);
        assert.ok(r.serverPort! > 0, all);
      }
      assert.equal(report.mediaPath, 'udp');
      assert.match(report.verdict, /^Everything is open: media uses UDP directly \(round trip ~\d+ ms, connects in ~\d+ ms\)\.$/);
      assert.ok(report.durationMs < 15_000, `${report.durationMs} ms`);

      // The page shows the same: a row per path, the verdict, the JSON.
      assert.equal(await page.textContent('#verdict'), report.verdict);
      assert.match((await page.textContent('#path-turn-tls'))!, /TURN over TLSreachable/);
      assert.deepEqual(JSON.parse((await page.textContent('#report'))!), report);
    } finally {
      await page.close();
    }
  });

  test('testConnectivity() against a signaling URL that does not answer says so, and tries no path', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${app.httpUrl}/connectivity/`);
      await reportOf(page); // the page's own run first, so the two do not overlap
      const report = await page.evaluate((url) => (window as unknown as { Flashphoner: { testConnectivity(o: unknown): Promise<ConnectivityReport> } })
        .Flashphoner.testConnectivity({ urlServer: url, timeoutMs: 3000 }), `ws://127.0.0.1:${CLOSED_PORT}/`);
      assert.match(report.verdict, /^The signaling server did not answer \(could not connect to ws:\/\/127\.0\.0\.1:22999\/\): no path was tried\.$/);
      assert.ok(report.paths.every((p) => !p.reachable));
      assert.equal(report.mediaPath, undefined);
    } finally {
      await page.close();
    }
  });
});
