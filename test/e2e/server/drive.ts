// Drives a seed page through connect → publish → play → stop → unpublish → disconnect.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expectVideoPlaying, type VideoStats } from '../support/browser.ts';

export interface SeedEvent {
  what: string;
  status: string;
  info: string;
}

const seedEvents = (page: Page) => page.evaluate(() => JSON.stringify((window as unknown as { events: unknown }).events));

/** The first `what` event with `status` (or FAILED, which ends the wait and the test), bounded. */
export async function waitEvent(page: Page, what: string, status: string, timeoutMs = 30_000): Promise<SeedEvent> {
  const handle = await page.waitForFunction(
    ([w, s]) => (window as unknown as { events: SeedEvent[] }).events.find((e) => e.what === w && (e.status === s || e.status === 'FAILED')),
    [what, status] as const, { timeout: timeoutMs, polling: 100 },
  ).catch(async (err: Error) => {
    throw new Error(`no ${what} ${status} within ${timeoutMs} ms; events: ${await seedEvents(page)} (${err.message})`);
  });
  const event = (await handle.jsonValue()) as SeedEvent;
  assert.equal(event.status, status, `${what}: ${JSON.stringify(event)} — all events: ${await seedEvents(page)}`);
  return event;
}

type SeedWindow = {
  connect(u: string, i: unknown, r: boolean): void;
  publish(n: string): void;
  play(n: string): void;
};

/** createSession on the seed page, until ESTABLISHED. */
export async function connectSeed(page: Page, urlServer: string, iceServers: unknown[] = [], relay = false): Promise<void> {
  await page.evaluate(([u, i, r]) => (window as unknown as SeedWindow).connect(u, i, r), [urlServer, iceServers, relay] as const);
  await waitEvent(page, 'session', 'ESTABLISHED');
}

export async function publishSeed(page: Page, name: string): Promise<void> {
  await page.evaluate((n) => (window as unknown as SeedWindow).publish(n), name);
  await waitEvent(page, 'publish', 'PUBLISHING');
}

/** Plays `name` until PLAYING and the <video> of that play decodes frames that keep coming. */
export async function playSeed(page: Page, name: string): Promise<VideoStats> {
  await page.evaluate((n) => (window as unknown as SeedWindow).play(n), name);
  await waitEvent(page, 'play', 'PLAYING');
  return (await expectVideoPlaying(page, '#remoteDisplay video')).second;
}

/** connect → publish → play on one page; the play's video decodes. */
export async function fullCycle(page: Page, urlServer: string, iceServers: unknown[], relay: boolean, name: string): Promise<VideoStats> {
  await connectSeed(page, urlServer, iceServers, relay);
  await publishSeed(page, name);
  return playSeed(page, name);
}

export async function stopAll(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { playStream: { stop(): void } }).playStream.stop());
  const stopped = await waitEvent(page, 'play', 'STOPPED');
  assert.equal(stopped.info, 'Stopped by user');
  await page.evaluate(() => (window as unknown as { publishStream: { stop(): void } }).publishStream.stop());
  const unpublished = await waitEvent(page, 'publish', 'UNPUBLISHED');
  assert.equal(unpublished.info, 'Stopped by user');
  await page.evaluate(() => (window as unknown as { session: { disconnect(): void } }).session.disconnect());
  await waitEvent(page, 'session', 'DISCONNECTED');
}
