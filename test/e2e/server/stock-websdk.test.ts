// The stock @flashphoner/websdk, unmodified, in headless Chromium against Traverse: direct, and
// forced through the embedded TURN over TCP. What went where is read from both ends: the browser's
// selected ICE pair of every peer connection, and the server's list of sessions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { assertEveryConnectionDirect, assertEveryConnectionRelayed } from '../support/relay-assert.ts';
import { metricsOf, waitForNoTurnAllocations } from '../support/turn-allocations.ts';
import { fullCycle, stopAll } from './drive.ts';
import { listedSessions, sessionKinds } from './rest.ts';
import { seedPage } from './seed-page.ts';
import { E2E_TURN_RELAY_PORTS } from './turn-ports.ts';

const stockSdk = fileURLToPath(new URL('../../../node_modules/@flashphoner/websdk/flashphoner.js', import.meta.url));

describe('the stock Flashphoner Web SDK against Traverse', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  let pages: string;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-stock-'));
    copyFileSync(stockSdk, join(pages, 'flashphoner.js'));
    writeFileSync(join(pages, 'seed.html'), seedPage('flashphoner.js'));
    app = await testApp({ examplesDir: pages, turn: E2E_TURN_RELAY_PORTS });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(pages, { recursive: true, force: true });
  });

  test('connect → publish → play (video decodes) → stop → unpublish → disconnect, over two direct peer connections', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/seed.html`);
    await fullCycle(page, app.wsUrl, [], false, 'direct-stream');
    assertEveryConnectionDirect(await peerConnections(page), 2);
    assert.deepEqual(sessionKinds(await listedSessions(app.httpUrl), 'direct-stream'), ['play direct-stream', 'publish direct-stream']);
    await stopAll(page);
    await page.close();
  });

  test('the same forced through the embedded TURN over TCP: both peer connections select a TCP relay, and the server sees only relay addresses', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/seed.html`);
    const creds = (await (await fetch(`${app.httpUrl}/turn-credentials`, { signal: AbortSignal.timeout(10_000) })).json()) as { urls: string[]; username: string; credential: string };
    const tcpUrl = creds.urls.find((u) => u.startsWith('turn:') && u.endsWith('transport=tcp'))!;
    assert.ok(tcpUrl);
    // The stock example uses the legacy `url` key.
    const iceServers = [{ url: tcpUrl, username: creds.username, credential: creds.credential }];
    await fullCycle(page, app.wsUrl, iceServers, true, 'relayed-stream');
    assertEveryConnectionRelayed(await peerConnections(page), 2, 'tcp');
    const sessions = (await listedSessions(app.httpUrl)).filter((s) => s.name === 'relayed-stream');
    assert.deepEqual(sessionKinds(sessions, 'relayed-stream'), ['play relayed-stream', 'publish relayed-stream']);
    const relayPorts = app.turn!.server.allocations().filter((a) => a.transport === 'tcp').map((a) => `${a.relay.address}:${a.relay.port}`);
    for (const s of sessions) assert.ok(relayPorts.includes(s.remoteAddress ?? ''), `${s.mediaType} comes from ${s.remoteAddress}, not a relay (${relayPorts})`);
    await stopAll(page);
    await page.close();
  });

  test('every TURN allocation is released once the pages have closed', async () => {
    for (const page of browser.context.pages()) await page.close();
    const created = await waitForNoTurnAllocations(metricsOf(app.httpUrl));
    assert.ok(created > 0, 'the pages did allocate on the embedded TURN');
  });
});
