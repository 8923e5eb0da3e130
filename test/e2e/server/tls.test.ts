// TLS end to end: Chromium loads the page over HTTPS from the server's HTTPS port, signals over WSS
// and decodes the stream it publishes. The server has a throwaway certificate, and the browser trusts
// exactly that one (by its key), not every certificate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { throwawayCertificate } from '../support/certificate.ts';
import { assertEveryConnectionDirect, assertEveryConnectionRelayed } from '../support/relay-assert.ts';
import { metricsOf, waitForNoTurnAllocations } from '../support/turn-allocations.ts';
import { fullCycle, stopAll } from './drive.ts';
import { listedSessions, sessionKinds } from './rest.ts';
import { seedPage } from './seed-page.ts';
import { E2E_TURN_RELAY_PORTS } from './turn-ports.ts';

describe('TLS end to end: a page over HTTPS with signaling over WSS', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  let pages: string;
  let httpsUrl: string;
  let wssUrl: string;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-tls-'));
    writeFileSync(join(pages, 'seed.html'), seedPage('/sdk/flashphoner.js'));
    const certificate = await throwawayCertificate(['127.0.0.1']);
    // The same certificate serves HTTPS, WSS and the embedded TURN/TLS.
    app = await testApp({ examplesDir: pages, cert: certificate.cert, key: certificate.key, httpsPort: 0, wssPort: 0, turn: E2E_TURN_RELAY_PORTS });
    assert.ok(app.ports.https && app.ports.wss, `TLS listeners: ${JSON.stringify(app.ports)}`);
    httpsUrl = `https://127.0.0.1:${app.ports.https}`;
    wssUrl = `wss://127.0.0.1:${app.ports.wss}/`;
    browser = await launchBrowser({ trustedSpki: [certificate.spki] });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(pages, { recursive: true, force: true });
  });

  async function httpsSeedTab(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${httpsUrl}/seed.html`);
    assert.equal(await page.evaluate(() => location.protocol), 'https:');
    return page;
  }

  test('a page from the HTTPS port publishes and plays over WSS: its video decodes, over two direct peer connections', async () => {
    const page = await httpsSeedTab();
    await fullCycle(page, wssUrl, [], false, 'tls-direct');
    assertEveryConnectionDirect(await peerConnections(page), 2);
    assert.deepEqual(sessionKinds(await listedSessions(app.httpUrl), 'tls-direct'), ['play tls-direct', 'publish tls-direct']);
    await stopAll(page);
    await page.close();
  });

  test('the same with media forced through TURN over TLS: every hop is TLS, and both peer connections select a TLS relay', async () => {
    const page = await httpsSeedTab();
    // Fetched over HTTPS by the page itself, as a deployed page does.
    const creds = await page.evaluate(async () => (await fetch('/turn-credentials')).json()) as { urls: string[]; username: string; credential: string };
    const turns = creds.urls.find((u) => u.startsWith('turns:'));
    assert.ok(turns, `a turns: URL in ${creds.urls}`);
    await fullCycle(page, wssUrl, [{ urls: turns, username: creds.username, credential: creds.credential }], true, 'tls-relayed');
    assertEveryConnectionRelayed(await peerConnections(page), 2, 'tls');
    await stopAll(page);
    await page.close();
    const created = await waitForNoTurnAllocations(metricsOf(app.httpUrl));
    assert.ok(created >= 2, `allocations created: ${created}`);
  });
});
