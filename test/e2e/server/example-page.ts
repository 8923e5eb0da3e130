// Driving an example page (two-way-streaming and the like) as a user clicks through it.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expectVideoPlaying } from '../support/browser.ts';

/** The text of status element `id` once it matches `wanted` (or says FAILED, which ends the wait), bounded. */
export async function statusText(page: Page, id: string, wanted: RegExp): Promise<string> {
  const handle = await page.waitForFunction(([i, w]) => {
    const t = document.getElementById(i)?.textContent ?? '';
    return new RegExp(w).test(t) || /FAILED/.test(t) ? t : undefined;
  }, [id, wanted.source] as const, { timeout: 30_000, polling: 200 });
  return (await handle.jsonValue()) as string;
}

/** Connect → Publish → Play on a page with those buttons, until its player's <video> decodes. */
export async function connectPublishPlay(page: Page): Promise<void> {
  await page.click('#connectBtn');
  assert.match(await statusText(page, 'connectStatus', /ESTABLISHED/), /ESTABLISHED/);
  await page.click('#publishBtn');
  assert.match(await statusText(page, 'publishStatus', /PUBLISHING/), /PUBLISHING/);
  await page.click('#playBtn');
  assert.match(await statusText(page, 'playStatus', /PLAYING/), /PLAYING/);
  await expectVideoPlaying(page, '#remoteVideo video');
}
