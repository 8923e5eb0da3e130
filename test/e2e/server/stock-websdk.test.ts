// The stock @flashphoner/websdk, unmodified, in headless Chromium against Traverse: direct, and
// forced through the embedded TURN over TCP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { launchBrowser, type Browser } from '../support/browser.ts';
import { fullCycle, stopAll } from './drive.ts';
import { seedPage } from './seed-page.ts';

const stockSdk = fileURLToPath(new URL('../../../node_modules/@flashphoner/websdk/flashphoner.js', import.meta.url));

describe('the stock Flashphoner Web SDK against Traverse', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  let pages: string;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-stock-'));
    copyFileSync(stockSdk, join(pages, 'flashphoner.js'));
    writeFileSync(join(pages, 'seed.html'), seedPage('flashphoner.js'));
    app = await testApp({ examplesDir: pages });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(pages, { recursive: true, force: true });
  });

  test('connect → publish → play (video decodes) → stop → unpublish → disconnect', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/seed.html`);
    await fullCycle(page, app.wsUrl, [], false, 'direct-stream');
    await stopAll(page);
    await page.close();
  });

  test('the same forced through the embedded TURN over TCP: the server sees only the relay address', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/seed.html`);
    const creds = (await (await fetch(`${app.httpUrl}/turn-credentials`)).json()) as { urls: string[]; username: string; credential: string };
    const tcpUrl = creds.urls.find((u) => u.startsWith('turn:') && u.endsWith('transport=tcp'))!;
    assert.ok(tcpUrl);
    // The stock example uses the legacy `url` key.
    const iceServers = [{ url: tcpUrl, username: creds.username, credential: creds.credential }];
    await fullCycle(page, app.wsUrl, iceServers, true, 'relayed-stream');
    const sessions = (await (await fetch(`${app.httpUrl}/rest-api/stream/find_all`)).json()) as { mediaType: string; remoteAddress?: string }[];
    const relayPorts = app.turn!.server.allocations().filter((a) => a.transport === 'tcp').map((a) => `${a.relay.address}:${a.relay.port}`);
    assert.ok(relayPorts.length >= 2, 'TCP allocations for the publisher and the player');
    for (const s of sessions) assert.ok(relayPorts.includes(s.remoteAddress ?? ''), `${s.mediaType} comes from ${s.remoteAddress}, not a relay (${relayPorts})`);
    const traffic = app.turn!.server.stats().traffic.tcp;
    assert.ok(traffic.toPeerPackets > 50 && traffic.toClientPackets > 50, JSON.stringify(traffic));
    await stopAll(page);
    await page.close();
  });
});
