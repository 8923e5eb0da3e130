// The seed's code, unchanged, on a page that loads our SDK bundle from the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { launchBrowser, type Browser } from '../support/browser.ts';
import { fullCycle, stopAll } from './drive.ts';
import { seedPage } from './seed-page.ts';

describe('our SDK bundle (/sdk/flashphoner.js) with the seed code', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  let pages: string;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-ours-'));
    writeFileSync(join(pages, 'seed.html'), seedPage('/sdk/flashphoner.js'));
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
    await fullCycle(page, app.wsUrl, [], false, 'ours-direct');
    await stopAll(page);
  });

  test('relay-only through the embedded TURN over TCP, with `urls`', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/seed.html`);
    const creds = (await (await fetch(`${app.httpUrl}/turn-credentials`)).json()) as { urls: string[]; username: string; credential: string };
    const tcp = creds.urls.find((u) => u.startsWith('turn:') && u.endsWith('transport=tcp'))!;
    await fullCycle(page, app.wsUrl, [{ urls: tcp, username: creds.username, credential: creds.credential }], true, 'ours-relay');
    const tcpAllocations = app.turn!.server.allocations().filter((a) => a.transport === 'tcp');
    assert.ok(tcpAllocations.length >= 2, `TURN/TCP allocations: ${tcpAllocations.length}`);
    await stopAll(page);
  });
});
