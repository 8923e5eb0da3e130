// The example pages in Firefox ESR as a user clicks through them, on a client test host whose UDP is
// dropped: the firewall traversal page with its defaults (no ICE settings: the server-handed TURN
// credentials, relay not forced) must show a moving picture over TCP, the other pages their statuses
// and stop buttons, and the connectivity self-test its verdict for this firewall.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTopology, type Topology } from '../support/netns.ts';
import { startServerHost, type ServerHost } from '../support/server-host.ts';
import { launchTestBrowser, waitInPage, type TestBrowser, type TestPage } from '../support/test-page.ts';
import { expectPicture, reports } from './seed-driver.ts';
import type { ConnectivityReport } from '../../../packages/sdk/src/index.ts';

async function statusText(page: TestPage, id: string, wanted: RegExp, timeoutMs = 30_000): Promise<string> {
  return waitInPage(page, `#${id} ${wanted.source}`, timeoutMs, ([i, w]) => {
    const t = document.getElementById(i)?.textContent ?? '';
    return new RegExp(w).test(t) || /FAILED/.test(t) ? t : undefined;
  }, [id, wanted.source] as const);
}

async function buttonText(page: TestPage, id: string): Promise<string> {
  return page.evaluate((i) => `${document.getElementById(i)!.textContent}|${(document.getElementById(i) as HTMLButtonElement).className}`, id);
}

async function pageReady(page: TestPage, url: string, fields: string[]): Promise<void> {
  await page.goto(url);
  await waitInPage(page, `${fields.join(', ')} filled in`, 15_000, (ids) => (ids.every((i) => (document.getElementById(i) as HTMLInputElement).value !== '') ? true : undefined), fields);
}

describe('example pages in Firefox behind a firewall that drops UDP', () => {
  let net: Topology;
  let server: ServerHost;
  let firefox: TestBrowser;

  before(async () => {
    net = createTopology();
    net.blockClientUdp();
    server = await startServerHost(net, net.server);
    firefox = await launchTestBrowser('firefox', { netns: net.client.ns, insecureOrigin: server.base });
  });

  after(async () => {
    await firefox?.close();
    await server?.stop();
    net?.destroy();
  });

  test('firewall traversal with the page defaults (no ICE settings): media over TCP (ICE-TCP or TURN), a moving picture, stop buttons end with STOPPED and UNPUBLISHED', async () => {
    const page = await firefox.newPage();
    try {
      await pageReady(page, `${server.base}/firewall-traversal-streaming/`, ['urlServer']);
      const defaults = await page.evaluate(() => ({
        mode: (document.getElementById('iceMode') as HTMLSelectElement).value,
        relay: (document.getElementById('forceRelay') as HTMLInputElement).checked,
      }), undefined);
      assert.deepEqual(defaults, { mode: 'auto', relay: false }, 'automatic ICE servers, relay not forced');

      await page.click('#connectBtn');
      assert.match(await statusText(page, 'connectStatus', /ESTABLISHED/), /ESTABLISHED/);
      await page.click('#publishBtn');
      assert.match(await statusText(page, 'publishStatus', /PUBLISHING/), /PUBLISHING/);
      assert.equal(await buttonText(page, 'publishBtn'), 'Stop|stop');
      await page.click('#playBtn');
      assert.match(await statusText(page, 'playStatus', /PLAYING/), /PLAYING/);
      assert.equal(await buttonText(page, 'playBtn'), 'Stop|stop');
      const picture = await expectPicture(page, '#remoteVideo video');
      assert.ok(picture.second.framesDecoded > picture.first.framesDecoded);
      // UDP is dropped: each connection runs over TCP, straight to the server (ICE-TCP) or to TURN.
      for (const r of (await reports(page)).filter((x) => x.connectionState === 'connected')) {
        const p = r.selectedPair;
        assert.ok(p?.protocol === 'tcp' || (p?.localType === 'relay' && (p.relayProtocol === 'tcp' || p.relayProtocol === 'tls')), JSON.stringify(r));
      }
      // TRAVERSE_SCREENSHOT_DIR=docs/images refreshes the picture in the docs.
      if (process.env.TRAVERSE_SCREENSHOT_DIR) await page.screenshot(join(process.env.TRAVERSE_SCREENSHOT_DIR, 'firewall-traversal-firefox.png'));

      await page.click('#playBtn');
      assert.match(await statusText(page, 'playStatus', /STOPPED/), /STOPPED/);
      assert.equal(await buttonText(page, 'playBtn'), 'Play|');
      await page.click('#publishBtn');
      assert.match(await statusText(page, 'publishStatus', /UNPUBLISHED/), /UNPUBLISHED/);
      assert.equal(await buttonText(page, 'publishBtn'), 'Publish|');
      await page.click('#connectBtn');
      assert.match(await statusText(page, 'connectStatus', /DISCONNECTED/), /DISCONNECTED/);
    } finally {
      await page.close();
    }
  });

  test('with no ICE servers at all (manual mode, TURN URL empty) the page still plays: over ICE-TCP, no relay', async () => {
    const page = await firefox.newPage();
    try {
      await pageReady(page, `${server.base}/firewall-traversal-streaming/`, ['urlServer']);
      await page.evaluate(() => {
        (document.getElementById('iceMode') as HTMLSelectElement).value = 'manual';
        (document.getElementById('urlTurnServer') as HTMLInputElement).value = '';
      }, undefined);
      await page.click('#connectBtn');
      assert.match(await statusText(page, 'connectStatus', /ESTABLISHED/), /ESTABLISHED/);
      await page.click('#publishBtn');
      assert.match(await statusText(page, 'publishStatus', /PUBLISHING/), /PUBLISHING/);
      await page.click('#playBtn');
      assert.match(await statusText(page, 'playStatus', /PLAYING/), /PLAYING/);
      await expectPicture(page, '#remoteVideo video');
      const connected = (await reports(page)).filter((x) => x.connectionState === 'connected');
      assert.equal(connected.length, 2, JSON.stringify(connected));
      for (const r of connected) assert.deepEqual([r.selectedPair?.protocol, r.selectedPair?.localType === 'relay'], ['tcp', false], JSON.stringify(r));
      await page.click('#playBtn');
      assert.match(await statusText(page, 'playStatus', /STOPPED/), /STOPPED/);
      await page.click('#publishBtn');
      assert.match(await statusText(page, 'publishStatus', /UNPUBLISHED/), /UNPUBLISHED/);
    } finally {
      await page.close();
    }
  });

  test('the connectivity self-test finds UDP blocked and ICE-TCP open, and says media will use TCP to the media port', async () => {
    const page = await firefox.newPage();
    try {
      await page.goto(`${server.base}/connectivity/`);
      const report = await waitInPage(page, 'the self-test report', 30_000,
        () => (window as unknown as { connectivityReport?: ConnectivityReport }).connectivityReport, undefined);
      const all = JSON.stringify(report);
      const outcome = Object.fromEntries(report.paths.map((p) => [p.path, p.outcome]));
      assert.deepEqual([outcome.udp, outcome['turn-udp'], outcome.tcp, outcome['turn-tcp']], ['unreachable', 'unreachable', 'reachable', 'reachable'], all);
      const tcp = report.paths.find((p) => p.path === 'tcp')!;
      assert.deepEqual([tcp.local?.protocol, tcp.remote?.protocol, tcp.remote?.port], ['tcp', 'tcp', 40000], all);
      assert.equal(report.mediaPath, 'tcp');
      assert.match(report.verdict, /^UDP is blocked: media will use TCP port 40000 \(ICE-TCP, no relay, round trip ~\d+ ms, connects in ~\d+ ms\)\./, all);
    } finally {
      await page.close();
    }
  });

  test('two-way streaming and the player page: statuses, the picture, and "Stopped by publisher stop" on the player', async () => {
    const page = await firefox.newPage();
    const player = await firefox.newPage();
    try {
      await pageReady(page, `${server.base}/two-way-streaming/`, ['urlServer']);
      await page.focus();
      await page.click('#connectBtn');
      assert.match(await statusText(page, 'connectStatus', /ESTABLISHED/), /ESTABLISHED/);
      await page.click('#publishBtn');
      assert.match(await statusText(page, 'publishStatus', /PUBLISHING/), /PUBLISHING/);
      await page.click('#playBtn');
      assert.match(await statusText(page, 'playStatus', /PLAYING/), /PLAYING/);
      await expectPicture(page, '#remoteVideo video');
      const name = await page.evaluate(() => (document.getElementById('publishStream') as HTMLInputElement).value, undefined);

      await pageReady(player, `${server.base}/player/?streamName=${name}`, ['urlServer']);
      await player.focus();
      await player.click('#playBtn');
      assert.match(await statusText(player, 'playStatus', /PLAYING/), /PLAYING/);
      await expectPicture(player, '#remoteVideo video');

      await page.focus();
      await page.click('#publishBtn');
      assert.match(await statusText(player, 'playStatus', /FAILED/), /FAILED — Stopped by publisher stop/);
    } finally {
      await player.close();
      await page.close();
    }
  });
});
