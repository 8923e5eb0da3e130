// Third-party WHIP/WHEP clients in Chromium, on a page from another origin than Traverse: medooze's
// whip-whep (WHIPClient, WHEPClient), Eyevinn's whip-web-client and webrtc-player, against the stock Flashphoner
// Web SDK on the other side. Every player's <video> must decode frames of the stream under test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { WHIP_TURN_RELAY_PORTS } from '../../../packages/server/test/support/whip.ts';
import { expectVideoPlaying, launchBrowser, type Browser } from '../support/browser.ts';
import { bounded, waitFor } from '../support/wait.ts';
import { connectSeed, playSeed, publishSeed, waitEvent } from '../server/drive.ts';
import { servePage, stockSeedPages, type PageOrigin } from './support.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type ClientWindow = {
  publishWhip(key: string, endpoint: string, token: string | undefined, codec: string): Promise<{ iceServers: { urls: string | string[]; username?: string; credentialSet: boolean }[] }>;
  playWhep(key: string, endpoint: string, videoId: string): Promise<void>;
  publishEyevinn(key: string, endpoint: string): Promise<void>;
  playEyevinn(key: string, endpoint: string, videoId: string): Promise<void>;
  stopSession(key: string): Promise<void>;
};

describe('third-party WHIP/WHEP clients in Chromium, from another origin', () => {
  let app: App;
  let origin: PageOrigin;
  let browser: Browser;
  let seed: ReturnType<typeof stockSeedPages>;

  before(async () => {
    seed = stockSeedPages();
    app = await testApp({ examplesDir: seed.dir, turn: WHIP_TURN_RELAY_PORTS });
    origin = await servePage();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await origin?.close();
    await app?.stop();
    seed?.remove();
  });

  async function clientPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${origin.url}/`);
    return page;
  }
  const endpoint = (kind: 'whip' | 'whep', name: string) => `${app.httpUrl}/${kind}/${name}`;
  const run = <T>(page: Page, what: string, fn: (w: ClientWindow) => Promise<T>) =>
    bounded(what, 30_000, page.evaluate(fn as unknown as (w: unknown) => Promise<T>, undefined as unknown));
  const live = (name: string, kind: 'publish' | 'play') => app.media.find({ name, published: kind === 'publish' }).filter((s) => s.status === (kind === 'publish' ? 'PUBLISHING' : 'PLAYING'));

  async function whepPlayer(name: string): Promise<Page> {
    const page = await clientPage();
    await bounded('WHEP view()', 30_000, page.evaluate(([e]) => (window as unknown as ClientWindow).playWhep('play', e!, 'player'), [endpoint('whep', name)]));
    await expectVideoPlaying(page, '#player');
    return page;
  }

  test('medooze WHIPClient publishes VP8 with the ICE servers of the Link headers; a WHEP player and the stock Flashphoner SDK both decode it; DELETE ends both with the SDK\'s statuses', async () => {
    const name = 'whip-vp8';
    const publisher = await clientPage();
    const { iceServers } = await bounded('WHIP publish()', 30_000, publisher.evaluate(([e]) => (window as unknown as ClientWindow).publishWhip('pub', e!, undefined, 'VP8'), [endpoint('whip', name)]));
    // The client configured its peer connection from our Link fields: TURN over UDP, TCP and TLS, with credentials.
    assert.deepEqual(iceServers.map((s) => String(s.urls).replace(/:\d+\?/, ':PORT?')).sort(),
      ['turn:127.0.0.1:PORT?transport=tcp', 'turn:127.0.0.1:PORT?transport=udp', 'turns:127.0.0.1:PORT?transport=tcp']);
    for (const s of iceServers) assert.ok(s.username && s.credentialSet, JSON.stringify(s));
    await waitFor('the WHIP stream PUBLISHING', 20_000, () => (live(name, 'publish').length === 1 ? true : undefined));
    assert.equal(app.media.find({ name })[0]?.videoCodec, 'VP8');

    const whep = await whepPlayer(name);
    const sdk = await browser.newPage();
    await sdk.goto(`${app.httpUrl}/seed.html`);
    await connectSeed(sdk, app.wsUrl);
    await playSeed(sdk, name);
    assert.equal(live(name, 'play').length, 2);

    await bounded('WHIP stop()', 10_000, publisher.evaluate(() => (window as unknown as ClientWindow).stopSession('pub')));
    const ended = await waitEvent(sdk, 'play', 'FAILED', 10_000);
    assert.equal(ended.info, 'Stopped by publisher stop');
    await waitFor('every session of the stream released', 10_000, () => (app.media.find({ name }).length === 0 ? true : undefined));
    for (const p of [publisher, whep, sdk]) await p.close();
  });

  test('H.264 from Chromium over WHIP is forwarded as H.264 and decodes at a WHEP player', async () => {
    const name = 'whip-h264';
    const publisher = await clientPage();
    await bounded('WHIP publish()', 30_000, publisher.evaluate(([e]) => (window as unknown as ClientWindow).publishWhip('pub', e!, undefined, 'H264'), [endpoint('whip', name)]));
    await waitFor('the WHIP stream PUBLISHING', 20_000, () => (live(name, 'publish').length === 1 ? true : undefined));
    assert.equal(app.media.find({ name })[0]?.videoCodec, 'H264');
    const whep = await whepPlayer(name);
    await bounded('WHEP stop()', 10_000, whep.evaluate(() => (window as unknown as ClientWindow).stopSession('play')));
    await waitFor('the WHEP session ended', 10_000, () => (app.media.find({ name, published: false }).length === 0 ? true : undefined));
    await bounded('WHIP stop()', 10_000, publisher.evaluate(() => (window as unknown as ClientWindow).stopSession('pub')));
    for (const p of [publisher, whep]) await p.close();
  });

  test('the stock Flashphoner SDK publishes; medooze WHEPClient plays it; the publisher\'s stop releases the WHEP session', async () => {
    const name = 'sdk-to-whep';
    const sdk = await browser.newPage();
    await sdk.goto(`${app.httpUrl}/seed.html`);
    await connectSeed(sdk, app.wsUrl);
    await publishSeed(sdk, name);
    const whep = await whepPlayer(name);
    await sdk.evaluate(() => (window as unknown as { publishStream: { stop(): void } }).publishStream.stop());
    await waitEvent(sdk, 'publish', 'UNPUBLISHED');
    await waitFor('the WHEP session released', 10_000, () => (app.media.find({ name }).length === 0 ? true : undefined));
    for (const p of [sdk, whep]) await p.close();
  });

  test('Eyevinn\'s whip-web-client publishes; the stream decodes at medooze\'s WHEP player and at Eyevinn\'s webrtc-player', async () => {
    const name = 'eyevinn';
    const publisher = await clientPage();
    await bounded('Eyevinn ingest()', 30_000, publisher.evaluate(([e]) => (window as unknown as ClientWindow).publishEyevinn('pub', e!), [endpoint('whip', name)]));
    await waitFor('the WHIP stream PUBLISHING', 20_000, () => (live(name, 'publish').length === 1 ? true : undefined));
    const whep = await whepPlayer(name);
    const eyevinnPlayer = await clientPage();
    await bounded('webrtc-player load()', 30_000, eyevinnPlayer.evaluate(([e]) => (window as unknown as ClientWindow).playEyevinn('play', e!, 'player'), [endpoint('whep', name)]));
    await expectVideoPlaying(eyevinnPlayer, '#player');
    await bounded('webrtc-player unload()', 10_000, eyevinnPlayer.evaluate(() => (window as unknown as ClientWindow).stopSession('play')));
    await waitFor('its WHEP session deleted', 10_000, () => (live(name, 'play').length === 1 ? true : undefined));
    await eyevinnPlayer.close();
    await bounded('Eyevinn destroy()', 10_000, publisher.evaluate(() => (window as unknown as ClientWindow).stopSession('pub')));
    await waitFor('every session of the stream released', 10_000, () => (app.media.find({ name }).length === 0 ? true : undefined));
    for (const p of [publisher, whep]) await p.close();
  });
});
