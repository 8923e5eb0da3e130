// The example pages as a user clicks through them, on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { expectVideoPlaying, launchBrowser, type Browser } from '../support/browser.ts';
import { metricsOf, waitForNoTurnAllocations } from '../support/turn-allocations.ts';
import { E2E_TURN_RELAY_PORTS } from './turn-ports.ts';

async function statusText(page: Page, id: string, wanted: RegExp): Promise<string> {
  const handle = await page.waitForFunction(([i, w]) => {
    const t = document.getElementById(i)?.textContent ?? '';
    return new RegExp(w).test(t) || /FAILED/.test(t) ? t : undefined;
  }, [id, wanted.source] as const, { timeout: 30_000, polling: 200 });
  return (await handle.jsonValue()) as string;
}

describe('example pages', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  before(async () => {
    app = await testApp({ turn: E2E_TURN_RELAY_PORTS });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('the landing page links every example and the SDK', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/`);
    const links = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
    for (const l of ['firewall-traversal-streaming/', 'two-way-streaming/', 'player/', 'whep-player/', '/sdk/flashphoner.js']) assert.ok(links.includes(l), l);
    await page.close();
  });

  test('two-way streaming publishes and plays; the player page plays the same name', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/two-way-streaming/`);
    await page.waitForFunction(() => (document.getElementById('urlServer') as HTMLInputElement).value !== '');
    await page.click('#connectBtn');
    assert.match(await statusText(page, 'connectStatus', /ESTABLISHED/), /ESTABLISHED/);
    await page.click('#publishBtn');
    assert.match(await statusText(page, 'publishStatus', /PUBLISHING/), /PUBLISHING/);
    await page.click('#playBtn');
    assert.match(await statusText(page, 'playStatus', /PLAYING/), /PLAYING/);
    await expectVideoPlaying(page, '#remoteVideo video');
    const name = await page.inputValue('#publishStream');

    const player = await browser.newPage();
    await player.goto(`${app.httpUrl}/player/?streamName=${name}`);
    await player.waitForFunction(() => (document.getElementById('urlServer') as HTMLInputElement).value !== '');
    await player.click('#playBtn');
    assert.match(await statusText(player, 'playStatus', /PLAYING/), /PLAYING/);
    await expectVideoPlaying(player, '#remoteVideo video');

    await page.click('#publishBtn'); // Stop publishing: the player page hears why.
    assert.match(await statusText(player, 'playStatus', /FAILED/), /FAILED — Stopped by publisher stop/);
    await player.close();
    await page.close();
  });

  test('every TURN allocation the pages made is released once they have closed', async () => {
    for (const page of browser.context.pages()) await page.close();
    const created = await waitForNoTurnAllocations(metricsOf(app.httpUrl));
    assert.ok(created > 0, 'the pages did allocate on the embedded TURN');
  });
});
