// The example pages as a user clicks through them, on loopback (with no ICE settings: issue 9, item 4).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { expectVideoPlaying, launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { liveConnections } from '../support/relay-assert.ts';
import { metricsOf, waitForNoTurnAllocations } from '../support/turn-allocations.ts';
import { connectPublishPlay, statusText } from './example-page.ts';
import { E2E_TURN_RELAY_PORTS } from './turn-ports.ts';

/** The ICE servers each peer connection of the page was configured with. */
async function configuredIceServers(page: Page): Promise<RTCIceServer[][]> {
  return page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => pc.getConfiguration().iceServers ?? []));
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
    for (const l of ['firewall-traversal-streaming/', 'two-way-streaming/', 'player/', 'connectivity/', 'whep-player/', '/sdk/flashphoner.js']) assert.ok(links.includes(l), l);
    await page.close();
  });

  test('two-way streaming publishes and plays; the player page plays the same name', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/two-way-streaming/`);
    await page.waitForFunction(() => (document.getElementById('urlServer') as HTMLInputElement).value !== '');
    await connectPublishPlay(page);
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

  // Issue 9, item 4: no ICE settings on the page; the SDK uses the servers of the connect reply.
  for (const relay of [false, true]) {
    test(`${relay ? 'with "Force relay"' : 'by default'}, the firewall traversal page sets no ICE servers and plays on the server-handed TURN credentials${relay ? ', relayed' : ''}`, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(`${app.httpUrl}/firewall-traversal-streaming/`);
        await page.waitForFunction(() => (document.getElementById('urlServer') as HTMLInputElement).value !== '');
        assert.equal(await page.inputValue('#iceMode'), 'auto', 'automatic ICE servers by default');
        assert.equal(await page.isChecked('#forceRelay'), false, 'relay not forced by default');
        if (relay) await page.check('#forceRelay');
        await connectPublishPlay(page);
        // Each connection got the handed servers: this server's TURN URLs, REST credentials.
        const expected = app.turn!.credentials(new URL(app.httpUrl).host).urls;
        for (const servers of await configuredIceServers(page)) {
          assert.equal(servers.length, 1, JSON.stringify(servers));
          assert.deepEqual(servers[0]!.urls, expected);
          assert.match(String(servers[0]!.username), /^\d+:traverse$/);
        }
        const live = liveConnections(await peerConnections(page));
        assert.equal(live.length, 2, JSON.stringify(live));
        for (const r of live) assert.equal(r.selectedPair?.localType === 'relay', relay, JSON.stringify(r));
        await page.click('#playBtn');
        assert.match(await statusText(page, 'playStatus', /STOPPED/), /STOPPED/);
        await page.click('#publishBtn');
        assert.match(await statusText(page, 'publishStatus', /UNPUBLISHED/), /UNPUBLISHED/);
      } finally {
        await page.close();
      }
    });
  }

  test('every TURN allocation the pages made is released once they have closed', async () => {
    for (const page of browser.context.pages()) await page.close();
    const created = await waitForNoTurnAllocations(metricsOf(app.httpUrl));
    assert.ok(created > 0, 'the pages did allocate on the embedded TURN');
  });
});
