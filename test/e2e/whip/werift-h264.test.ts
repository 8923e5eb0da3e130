// A non-browser WHIP publisher with H.264, as an encoder box sends it: werift with a generated
// picture (every frame an IDR of I_PCM macroblocks). Chromium must decode it at a third-party WHEP
// player and at the stock Flashphoner SDK, with the picture size the encoder drew.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { WHIP_TURN_RELAY_PORTS } from '../../../packages/server/test/support/whip.ts';
import { expectVideoPlaying, launchBrowser, type Browser } from '../support/browser.ts';
import { bounded, waitFor } from '../support/wait.ts';
import { connectSeed, playSeed, waitEvent } from '../server/drive.ts';
import { servePage, stockSeedPages, type PageOrigin } from './support.ts';
import { publishH264 } from './werift-whip-publisher.ts';

describe('werift WHIP publisher with H.264 → Chromium players', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
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

  test('the H.264 picture decodes at medooze\'s WHEP player and at the stock SDK\'s player (128×96); the publisher\'s DELETE ends both', async () => {
    const name = 'encoder-h264';
    const publisher = await publishH264({ endpoint: `${app.httpUrl}/whip/${name}`, address: '127.0.0.1' });
    try {
      await publisher.connected(20_000);
      await waitFor('the stream PUBLISHING', 10_000, () => (app.media.find({ name, published: true })[0]?.status === 'PUBLISHING' ? true : undefined));
      assert.equal(app.media.find({ name })[0]?.videoCodec, 'H264');

      const whep = await browser.newPage();
      await whep.goto(`${origin.url}/`);
      await bounded('WHEP view()', 30_000, whep.evaluate(([e]) => (window as unknown as { playWhep(k: string, e: string, v: string): Promise<void> }).playWhep('play', e!, 'player'), [`${app.httpUrl}/whep/${name}`]));
      const { second } = await expectVideoPlaying(whep, '#player');
      assert.equal(second.videoWidth, 128);

      const sdk = await browser.newPage();
      await sdk.goto(`${app.httpUrl}/seed.html`);
      await connectSeed(sdk, app.wsUrl);
      assert.equal((await playSeed(sdk, name)).videoWidth, 128);

      assert.equal(await publisher.stop(), 200);
      assert.equal((await waitEvent(sdk, 'play', 'FAILED', 10_000)).info, 'Stopped by publisher stop');
      await waitFor('the WHEP session released', 10_000, () => (app.media.find({ name }).length === 0 ? true : undefined));
      await whep.close();
      await sdk.close();
    } finally {
      await publisher.pc.close();
    }
  });
});
