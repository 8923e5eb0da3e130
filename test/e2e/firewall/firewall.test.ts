// The firewall, for real: Traverse on a "server" host, headless Chromium on a "client" host whose
// UDP is dropped by iptables. Only the addresses of these two test hosts are used.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expectVideoPlaying, launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { throwawayCertificate } from '../support/certificate.ts';
import { createTopology, type Topology } from '../support/netns.ts';
import { assertEveryConnectionRelayed } from '../support/relay-assert.ts';
import { waitForNoTurnAllocations } from '../support/turn-allocations.ts';
import { waitFor } from '../support/wait.ts';
import { seedPage } from '../server/seed-page.ts';
import { fullCycle } from '../server/drive.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ICE_TIMEOUT_S = 8;

/** /metrics read through a page of the client host: only the client host reaches the server host. */
function metricsThrough(page: Page): () => Promise<string> {
  return () => page.evaluate(async () => (await fetch('/metrics')).text());
}

describe('firewall traversal: the client host drops all UDP', () => {
  let net: Topology;
  let server: ChildProcess;
  let serverLog = '';
  let browser: Browser;
  let dir: string;
  let base: string;

  before(async () => {
    net = createTopology();
    net.blockClientUdp();
    dir = mkdtempSync(join(tmpdir(), 'traverse-fw-'));
    const pages = join(dir, 'pages');
    cpSync(join(root, 'examples'), pages, { recursive: true });
    writeFileSync(join(pages, 'seed.html'), seedPage('/sdk/flashphoner.js'));
    // A certificate for TURN/TLS that the client browser is told to trust by its key.
    const certificate = await throwawayCertificate([net.server.ip]);
    writeFileSync(join(dir, 'cert.pem'), certificate.cert);
    writeFileSync(join(dir, 'key.pem'), certificate.key);

    server = net.spawnIn(net.server, process.execPath, ['--import', 'tsx', join(root, 'packages/server/bin/traverse.ts'),
      '--media-ip', net.server.ip, '--turn-relay-ip', net.server.ip, '--examples-dir', pages,
      '--turn-cert', join(dir, 'cert.pem'), '--turn-key', join(dir, 'key.pem'), '--turn-min-port', '65000', '--turn-max-port', '65500',
      '--ice-timeout', String(ICE_TIMEOUT_S), '--log-level', 'info']);
    server.stdout!.on('data', (d) => (serverLog += d));
    server.stderr!.on('data', (d) => (serverLog += d));
    await waitFor('the server to listen', 30_000, () => (serverLog.includes('"msg":"listening","ports"') || /"ports":\{"http"/.test(serverLog) ? true : undefined));
    base = `http://${net.server.ip}:8888`;
    browser = await launchBrowser({ netns: net.client.ns, insecureOrigins: [base], trustedSpki: [certificate.spki], noMdns: true });
  });

  after(async () => {
    await browser?.close();
    if (server?.exitCode === null) server.kill('SIGTERM');
    net?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function firewallPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${base}/firewall-traversal-streaming/`);
    await page.waitForFunction(() => (document.getElementById('urlTurnServer') as HTMLInputElement).value !== '' && (document.getElementById('urlServer') as HTMLInputElement).value !== '');
    return page;
  }

  async function statusOf(page: Page, id: string, wanted: RegExp, timeoutMs: number): Promise<string> {
    const handle = await page.waitForFunction(([i, w]) => {
      const t = document.getElementById(i)!.textContent ?? '';
      return new RegExp(w).test(t) || /FAILED/.test(t) ? t : undefined;
    }, [id, wanted.source] as const, { timeout: timeoutMs, polling: 200 });
    return (await handle.jsonValue()) as string;
  }

  async function connectAndPublish(page: Page, turnUrl: string | undefined, relay: boolean): Promise<string> {
    await page.evaluate(([url, r]) => {
      // Manual mode: the TURN field decides (empty: no ICE servers), not the server-handed servers.
      (document.getElementById('iceMode') as HTMLSelectElement).value = 'manual';
      if (url !== undefined) (document.getElementById('urlTurnServer') as HTMLInputElement).value = url;
      (document.getElementById('forceRelay') as HTMLInputElement).checked = r;
    }, [turnUrl, relay] as const);
    await page.click('#connectBtn');
    assert.match(await statusOf(page, 'connectStatus', /ESTABLISHED/, 20_000), /ESTABLISHED/);
    await page.click('#publishBtn');
    return statusOf(page, 'publishStatus', /PUBLISHING/, (ICE_TIMEOUT_S + 20) * 1000);
  }

  // With no ICE servers at all, media now flows over ICE-TCP: two-ports.test.ts proves that case.
  test('1. with relay forced through TURN over UDP only, publishing fails: the firewall blocks media', async () => {
    for (const [turnUrl, relay] of [[`turn:${net.server.ip}:3478?transport=udp`, true]] as const) {
      const page = await firewallPage();
      const started = Date.now();
      const status = await connectAndPublish(page, turnUrl, relay);
      assert.match(status, /FAILED — Failed by ICE timeout/, `turn=${turnUrl || 'none'}`);
      assert.ok(Date.now() - started < (ICE_TIMEOUT_S + 25) * 1000);
      // The offer/answer exchange did happen: the failure is the firewall's, not the page's.
      const answered = await page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.some((pc) => pc.remoteDescription?.type === 'answer'));
      assert.equal(answered, true, 'the server answered the offer');
      await page.close();
    }
  });

  for (const transport of ['tcp', 'tls'] as const) {
    test(`${transport === 'tcp' ? 2 : 3}. with Force relay and TURN over ${transport.toUpperCase()}, the page publishes and plays: both peer connections select a relay reached over ${transport}, and the player's <video> decodes`, async () => {
      const page = await firewallPage();
      const turnUrl = transport === 'tcp' ? `turn:${net.server.ip}:3478?transport=tcp` : `turns:${net.server.ip}:5349?transport=tcp`;
      assert.match(await connectAndPublish(page, turnUrl, true), /PUBLISHING/);
      await page.click('#playBtn');
      assert.match(await statusOf(page, 'playStatus', /PLAYING/, 30_000), /PLAYING/);
      await expectVideoPlaying(page, '#remoteVideo video');
      assertEveryConnectionRelayed(await peerConnections(page), 2, transport);
      // TRAVERSE_SCREENSHOT_DIR=docs/images refreshes the picture in the docs.
      if (transport === 'tcp' && process.env.TRAVERSE_SCREENSHOT_DIR) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(process.env.TRAVERSE_SCREENSHOT_DIR, 'firewall-traversal-playing.png'), fullPage: true });
      }
      await page.click('#playBtn');
      assert.match(await statusOf(page, 'playStatus', /STOPPED/, 10_000), /STOPPED/);
      await page.click('#publishBtn');
      assert.match(await statusOf(page, 'publishStatus', /UNPUBLISHED/, 10_000), /UNPUBLISHED/);
      await page.close();
    });
  }

  test('4. the seed snippets, verbatim, on a page with our bundle: relay over TURN/TCP', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/seed.html`);
    const creds = await page.evaluate(async () => (await fetch('/turn-credentials')).json()) as { username: string; credential: string };
    await fullCycle(page, `ws://${net.server.ip}:8080/`, [{ url: `turn:${net.server.ip}:3478?transport=tcp`, username: creds.username, credential: creds.credential }], true, 'seed-fw');
    assertEveryConnectionRelayed(await peerConnections(page), 2, 'tcp');
    await page.close();
  });

  test('5. every TURN allocation is released once the pages have closed', async () => {
    for (const page of browser.context.pages()) await page.close();
    const probe = await browser.newPage();
    await probe.goto(`${base}/`);
    const created = await waitForNoTurnAllocations(metricsThrough(probe));
    assert.ok(created >= 6, `allocations created: ${created}`);
    await probe.close();
  });
});
