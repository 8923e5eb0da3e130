// /dashboard/ in Chromium while a publisher and two players run — one direct, one forced through
// the embedded TURN over TCP: the page shows the stream, both players and their paths, the charts
// get points, and Terminate on the page ends the stream for its players.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { assertEveryConnectionRelayed } from '../support/relay-assert.ts';
import { waitFor } from '../support/wait.ts';
import { connectSeed, playSeed, publishSeed, waitEvent } from './drive.ts';
import { seedPage } from './seed-page.ts';

/** Relay ports of this suite, apart from the ranges other suites use at the same time. */
const RELAY_PORTS = { minPort: 62500, maxPort: 62899 } as const;
const STREAM = 'dashboard-cam';

describe('/dashboard/ with a live stream, a direct player and a TURN/TCP player', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  let pages: string;
  let publisher: Page;
  let directPlayer: Page;
  let relayedPlayer: Page;
  let dashboard: Page;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-dashboard-'));
    writeFileSync(join(pages, 'seed.html'), seedPage('/sdk/flashphoner.js'));
    app = await testApp({ examplesDir: pages, turn: RELAY_PORTS });
    browser = await launchBrowser();
    const seedTab = async () => {
      const page = await browser.newPage();
      await page.goto(`${app.httpUrl}/seed.html`);
      return page;
    };
    publisher = await seedTab();
    await connectSeed(publisher, app.wsUrl);
    await publishSeed(publisher, STREAM);
    directPlayer = await seedTab();
    await connectSeed(directPlayer, app.wsUrl);
    await playSeed(directPlayer, STREAM);
    relayedPlayer = await seedTab();
    const creds = (await (await fetch(`${app.httpUrl}/turn-credentials`, { signal: AbortSignal.timeout(10_000) })).json()) as { urls: string[]; username: string; credential: string };
    const tcpUrl = creds.urls.find((u) => u.startsWith('turn:') && u.endsWith('transport=tcp'));
    assert.ok(tcpUrl, `a TURN/TCP URL in ${creds.urls}`);
    await connectSeed(relayedPlayer, app.wsUrl, [{ urls: tcpUrl, username: creds.username, credential: creds.credential }], true);
    await playSeed(relayedPlayer, STREAM);
    assertEveryConnectionRelayed(await peerConnections(relayedPlayer), 1, 'tcp');
    dashboard = await browser.newPage();
    await dashboard.setViewportSize({ width: 1280, height: 1000 });
    await dashboard.goto(`${app.httpUrl}/dashboard/`);
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(pages, { recursive: true, force: true });
  });

  /** The text of every cell of the stream's row, and the paths and RTTs of its players. */
  const streamView = () => dashboard.evaluate((name) => {
    const row = document.querySelector(`tr[data-stream="${name}"]`);
    const players = [...(row?.nextElementSibling?.querySelectorAll('tr[data-player]') ?? [])];
    return {
      cells: row ? [...row.querySelectorAll('td')].map((td) => td.textContent ?? '') : [],
      paths: players.map((p) => p.querySelector('.path')?.textContent ?? '').sort(),
      rtts: players.map((p) => p.children[2]?.textContent ?? ''),
      bitrates: players.map((p) => p.children[4]?.textContent ?? ''),
    };
  }, STREAM);

  test('shows the stream with its codec, resolution, frame rate and bitrate, and its 2 players on "TURN/TCP" and "UDP direct", within 2 s of opening', async () => {
    const opened = Date.now();
    let view = await streamView();
    await waitFor('the dashboard to list the stream with 2 players on their paths', 10_000, async () => {
      view = await streamView();
      return view.cells[5] === '2' && view.paths.join() === 'TURN/TCP,UDP direct' ? true : undefined;
    }, { lastSeen: () => JSON.stringify(view) });
    assert.ok(Date.now() - opened < 2000, `listed ${Date.now() - opened} ms after the page opened`);
    await waitFor('rates and the VP8 resolution to show', 10_000, async () => {
      view = await streamView();
      const [, codec, resolution, fps, bitrate] = view.cells;
      return /VP8|H264/.test(codec ?? '') && /^\d+x\d+$/.test(resolution ?? '') && /^[1-9]\d* fps$/.test(fps ?? '') && /bit\/s$/.test(bitrate ?? '')
        && view.bitrates.every((b) => /bit\/s$/.test(b)) ? true : undefined;
    }, { lastSeen: () => JSON.stringify(view) });
  });

  test('shows each player\'s RTT from its receiver reports, the TURN/TCP allocation and the process', async () => {
    let view = await streamView();
    await waitFor('an RTT for both players', 15_000, async () => {
      view = await streamView();
      return view.rtts.length === 2 && view.rtts.every((r) => /^\d+ ms$/.test(r)) ? true : undefined;
    }, { lastSeen: () => JSON.stringify(view) });
    const tcpAllocations = await dashboard.locator('#turn tr[data-transport="tcp"] td').nth(1).textContent();
    assert.ok(Number(tcpAllocations) >= 1, `TCP allocations: ${tcpAllocations}`);
    const processText = await dashboard.locator('#process').textContent();
    assert.match(processText ?? '', /traverse-\w+/);
    assert.match(processText ?? '', /1 publishing, 2 playing/);
  });

  test('the three charts get a point a second', async () => {
    const points = () => dashboard.evaluate(() => Number(document.body.dataset.chartPoints ?? 0));
    const before = await points();
    await waitFor('two more chart points', 10_000, async () => ((await points()) >= before + 2 ? true : undefined), { lastSeen: () => String(before) });
    assert.equal(await dashboard.locator('.uplot').count(), 3);
    const dir = process.env.TRAVERSE_SCREENSHOT_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      await dashboard.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
    }
  });

  test('Terminate on the page ends the stream: both players get FAILED "Stopped by rest /terminate", and the stream leaves the page', async () => {
    dashboard.once('dialog', (dialog) => void dialog.accept());
    await dashboard.locator(`button[data-terminate="${STREAM}"]`).click();
    for (const player of [directPlayer, relayedPlayer]) {
      const failed = await waitEvent(player, 'play', 'FAILED', 10_000);
      assert.equal(failed.info, 'Stopped by rest /terminate');
    }
    const unpublished = await waitEvent(publisher, 'publish', 'UNPUBLISHED', 10_000);
    assert.equal(unpublished.info, 'Stopped by rest /terminate');
    await waitFor('the stream to leave the dashboard', 5000, async () => ((await dashboard.locator(`tr[data-stream="${STREAM}"]`).count()) === 0 ? true : undefined));
  });
});
