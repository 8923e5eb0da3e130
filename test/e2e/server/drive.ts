// Drives a seed page through connect → publish → play → stop → unpublish → disconnect.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { expectVideoPlaying } from '../support/browser.ts';

export interface SeedEvent {
  what: string;
  status: string;
  info: string;
}

export async function waitEvent(page: Page, what: string, status: string, timeoutMs = 30_000): Promise<SeedEvent> {
  const handle = await page.waitForFunction(
    ([w, s]) => (window as unknown as { events: SeedEvent[] }).events.find((e) => e.what === w && (e.status === s || e.status === 'FAILED')),
    [what, status] as const, { timeout: timeoutMs, polling: 100 },
  );
  const event = (await handle.jsonValue()) as SeedEvent;
  assert.equal(event.status, status, `${what}: ${JSON.stringify(event)} — all events: ${JSON.stringify(await page.evaluate(() => (window as unknown as { events: unknown }).events))}`);
  return event;
}

export async function fullCycle(page: Page, urlServer: string, iceServers: unknown[], relay: boolean, name: string): Promise<void> {
  await page.evaluate(([u, i, r]) => (window as unknown as { connect(u: string, i: unknown, r: boolean): void }).connect(u, i, r), [urlServer, iceServers, relay] as const);
  await waitEvent(page, 'session', 'ESTABLISHED');
  await page.evaluate((n) => (window as unknown as { publish(n: string): void }).publish(n), name);
  await waitEvent(page, 'publish', 'PUBLISHING');
  await page.evaluate((n) => (window as unknown as { play(n: string): void }).play(n), name);
  await waitEvent(page, 'play', 'PLAYING');
  await expectVideoPlaying(page, '#remoteDisplay video');
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
