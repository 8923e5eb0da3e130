// Back-to-back publish → play → stop cycles in one Chromium page, on a small media port range, so
// every session gets a port the previous one has just let go (as `npm start`'s range does on a busy
// server). A stop racing the next start, or a freed port still receiving the last connection's
// packets, shows up here as a FAILED status ("Failed by DTLS error" was seen twice in 2,100 cycles
// before stray DTLS was dropped; test/media/stray-packets.test.ts forces that case every time).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { seedPage } from '../server/seed-page.ts';
import { launchTestBrowser, waitInPage, type TestBrowser, type TestPage } from '../support/test-page.ts';
import { connect, play, publish, type SeedEvent } from './seed-driver.ts';

const CYCLES = 120;
/** Eight ports for two sessions at a time: freed ports come back within a few cycles. */
const MEDIA_PORTS = { mediaPortMin: 62910, mediaPortMax: 62917 };

async function finalEvent(page: TestPage, what: string, ending: boolean): Promise<SeedEvent> {
  return waitInPage(page, `${what} ${ending ? 'end' : 'start'}`, 30_000, ([w, end]) =>
    (window as unknown as { events: SeedEvent[] }).events.find((e) => e.what === w && (end ? /UNPUBLISHED|STOPPED|FAILED/ : /PUBLISHING|PLAYING|FAILED/).test(e.status)), [what, ending] as const);
}

describe('back-to-back cycles on a reused media port range', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: TestBrowser;
  let pages: string;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-cycles-'));
    writeFileSync(join(pages, 'seed.html'), seedPage('/sdk/flashphoner.js'));
    app = await testApp({ examplesDir: pages, ...MEDIA_PORTS });
    browser = await launchTestBrowser('chromium');
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(pages, { recursive: true, force: true });
  });

  test(`${CYCLES} cycles of publish → play → stop: every one PUBLISHING, PLAYING, STOPPED, UNPUBLISHED`, async () => {
    const page = await browser.newPage();
    await page.goto(`${app.httpUrl}/seed.html`);
    await connect(page, app.wsUrl, [], false);
    const failures: string[] = [];
    const started = Date.now();
    for (let i = 0; i < CYCLES; i++) {
      await page.evaluate(() => void ((window as unknown as { events: unknown[] }).events.length = 0), undefined);
      const name = `cycle-${i}`;
      await publish(page, name);
      const published = await finalEvent(page, 'publish', false);
      if (published.status !== 'PUBLISHING') failures.push(`${i}: publish ${published.status} ${published.info}`);
      else {
        await play(page, name);
        const played = await finalEvent(page, 'play', false);
        if (played.status !== 'PLAYING') failures.push(`${i}: play ${played.status} ${played.info}`);
        else {
          await page.evaluate(() => (window as unknown as { playStream: { stop(): void } }).playStream.stop(), undefined);
          const stopped = await finalEvent(page, 'play', true);
          if (stopped.status !== 'STOPPED') failures.push(`${i}: stop ${stopped.status} ${stopped.info}`);
        }
        // Stopped right away: the next cycle starts while this one's sockets are closing.
        await page.evaluate(() => (window as unknown as { publishStream: { stop(): void } }).publishStream.stop(), undefined);
        const ended = await finalEvent(page, 'publish', true);
        if (ended.status !== 'UNPUBLISHED') failures.push(`${i}: unpublish ${ended.status} ${ended.info}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${CYCLES} cycles failed in ${Date.now() - started} ms`);
    assert.equal(app.media.counts().publishers + app.media.counts().players, 0, 'no session is left behind');
    await page.close();
  });
});
