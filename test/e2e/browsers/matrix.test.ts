// The cross-browser matrix: Firefox ESR and Chromium publish to and play from each other, with our
// SDK and with the stock @flashphoner/websdk, direct and forced through the embedded TURN over TCP.
// Traverse runs on a "server" test host and both browsers on a "client" test host (network
// namespaces joined by a veth pair): Firefox pairs no host candidate with a loopback one, and the
// two hosts keep every packet on addresses the test made.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTopology, type Topology } from '../support/netns.ts';
import { startServerHost, type SdkName, type ServerHost } from '../support/server-host.ts';
import { launchTestBrowser, type BrowserName, type TestBrowser, type TestPage } from '../support/test-page.ts';
import { connect, expectAudio, expectPicture, play, publish, reports, seedEvent } from './seed-driver.ts';

/** A player joining a running stream must not wait for the publisher's next periodic key frame. */
const LATE_JOIN_FIRST_FRAME_MS = 12_000;
/** How long the publisher has been sending before the late player joins. */
const PUBLISHED_BEFORE_JOIN_MS = 2_500;

describe('cross-browser matrix: Firefox and Chromium, both SDKs, direct and relayed over TURN/TCP', () => {
  let net: Topology;
  let server: ServerHost;
  const browsers = new Map<BrowserName, TestBrowser>();

  before(async () => {
    net = createTopology();
    server = await startServerHost(net, net.server);
    for (const name of ['chromium', 'firefox'] as const) {
      browsers.set(name, await launchTestBrowser(name, { netns: net.client.ns, insecureOrigin: server.base }));
    }
  });

  after(async () => {
    for (const b of browsers.values()) await b.close();
    await server?.stop();
    net?.destroy();
  });

  async function openSeed(browser: BrowserName, sdk: SdkName, relay: boolean): Promise<TestPage> {
    const page = await browsers.get(browser)!.newPage();
    await page.goto(server.seedUrl(sdk));
    const iceServers: unknown[] = [];
    if (relay) {
      const creds = await page.evaluate(async () => (await fetch('/turn-credentials')).json(), undefined) as { username: string; credential: string };
      const url = `turn:${net.server.ip}:3478?transport=tcp`;
      // The stock example spells it `url`, ours `urls`: both must work.
      iceServers.push(sdk === 'stock' ? { url, username: creds.username, credential: creds.credential } : { urls: url, username: creds.username, credential: creds.credential });
    }
    await connect(page, server.wsUrl, iceServers, relay);
    return page;
  }

  async function expectPath(page: TestPage, relay: boolean): Promise<void> {
    const live = (await reports(page)).filter((r) => r.connectionState === 'connected');
    assert.ok(live.length >= 1, `${page.browser}: a connected peer connection`);
    for (const r of live) {
      assert.ok(r.selectedPair, `${page.browser}: peer connection ${r.index} has a selected pair`);
      if (relay) {
        assert.equal(r.selectedPair.localType, 'relay', `${page.browser}: ${JSON.stringify(r.selectedPair)}`);
        assert.equal(r.selectedPair.relayProtocol, 'tcp', `${page.browser}: ${JSON.stringify(r.selectedPair)}`);
      } else {
        assert.notEqual(r.selectedPair.localType, 'relay', `${page.browser}: ${JSON.stringify(r.selectedPair)}`);
      }
    }
  }

  const pairs: [BrowserName, BrowserName][] = [['firefox', 'chromium'], ['chromium', 'firefox'], ['firefox', 'firefox']];
  let n = 0;
  for (const sdk of ['ours', 'stock'] as const) {
    for (const relay of [false, true]) {
      for (const [from, to] of pairs) {
        const name = `matrix-${++n}`;
        test(`${from} publishes, ${to} plays: ${sdk === 'ours' ? 'our SDK' : 'stock SDK'}, ${relay ? 'relay only over TURN/TCP' : 'direct'}; audio and video, key frame on a late join`, async () => {
          const publisher = await openSeed(from, sdk, relay);
          const player = await openSeed(to, sdk, relay);
          try {
            await publish(publisher, name);
            await seedEvent(publisher, 'publish', 'PUBLISHING');
            await expectAudio(publisher, 'sent');
            await expectPath(publisher, relay);
            await new Promise((r) => setTimeout(r, PUBLISHED_BEFORE_JOIN_MS));
            await play(player, name);
            await seedEvent(player, 'play', 'PLAYING');
            const picture = await expectPicture(player, '#remoteDisplay video', LATE_JOIN_FIRST_FRAME_MS);
            assert.ok(picture.second.videoWidth > 0);
            await expectAudio(player, 'received');
            await expectPath(player, relay);

            await player.evaluate(() => (window as unknown as { playStream: { stop(): void } }).playStream.stop(), undefined);
            assert.equal((await seedEvent(player, 'play', 'STOPPED')).info, 'Stopped by user');
            await publisher.evaluate(() => (window as unknown as { publishStream: { stop(): void } }).publishStream.stop(), undefined);
            assert.equal((await seedEvent(publisher, 'publish', 'UNPUBLISHED')).info, 'Stopped by user');
          } finally {
            await player.close();
            await publisher.close();
          }
        });
      }
    }
  }

  test('H.264 from Chromium: a Chromium player gets it; a Firefox without H.264 gets FAILED naming the codecs, never a silent audio-only PLAYING', async () => {
    const publisher = await openSeed('chromium', 'ours', false);
    const chromiumPlayer = await openSeed('chromium', 'ours', false);
    const firefoxPlayer = await openSeed('firefox', 'ours', false);
    try {
      await publish(publisher, 'h264-cross', 'VP8,VP9,AV1');
      await seedEvent(publisher, 'publish', 'PUBLISHING');
      await play(chromiumPlayer, 'h264-cross');
      await seedEvent(chromiumPlayer, 'play', 'PLAYING');
      await expectPicture(chromiumPlayer, '#remoteDisplay video', LATE_JOIN_FIRST_FRAME_MS);
      const firefoxH264 = await firefoxPlayer.evaluate(() => RTCRtpReceiver.getCapabilities('video')?.codecs.some((c) => /h264/i.test(c.mimeType)) ?? false, undefined);
      await play(firefoxPlayer, 'h264-cross');
      if (firefoxH264) {
        await seedEvent(firefoxPlayer, 'play', 'PLAYING');
        await expectPicture(firefoxPlayer, '#remoteDisplay video', LATE_JOIN_FIRST_FRAME_MS);
      } else {
        const failed = await seedEvent(firefoxPlayer, 'play', 'FAILED');
        assert.match(failed.info, /^No common codecs: the stream is H264 \([0-9a-f]{6}\) video and the player's offer has VP8/);
      }
    } finally {
      for (const p of [firefoxPlayer, chromiumPlayer, publisher]) await p.close();
    }
  });
});
