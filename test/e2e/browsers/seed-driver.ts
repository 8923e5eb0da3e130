// Drives the seed page (test/e2e/server/seed-page.ts) in any browser through TestPage: the
// Flashphoner-API calls of the product's snippet, and what the browser's own stats say of the media.
import assert from 'node:assert/strict';
import { peerConnectionReports, videoElementReport, type PeerConnectionReport, type VideoElementReport } from '../support/peer-connections.ts';
import { waitInPage, type TestPage } from '../support/test-page.ts';

export interface SeedEvent {
  what: string;
  status: string;
  info: string;
}

/** The first event of `what` with `status` (or FAILED, which fails the assertion with its info). */
export async function seedEvent(page: TestPage, what: string, status: string, timeoutMs = 30_000): Promise<SeedEvent> {
  const event = await waitInPage(page, `${what} ${status}`, timeoutMs, ([w, s]) =>
    (window as unknown as { events: SeedEvent[] }).events.find((e) => e.what === w && (e.status === s || e.status === 'FAILED')), [what, status] as const);
  if (event.status !== status) {
    const all = await page.evaluate(() => (window as unknown as { events: SeedEvent[] }).events, undefined);
    assert.fail(`${page.browser}: ${what} ended ${event.status} "${event.info}", expected ${status}; events ${JSON.stringify(all)}`);
  }
  return event;
}

export async function connect(page: TestPage, wsUrl: string, iceServers: unknown[], relay: boolean): Promise<void> {
  await page.evaluate(([u, i, r]) => (window as unknown as { connect(u: string, i: unknown, r: boolean): void }).connect(u, i, r), [wsUrl, iceServers, relay] as const);
  await seedEvent(page, 'session', 'ESTABLISHED');
}

/** Publishes; `stripCodecs` ("VP8,VP9,AV1") leaves the offer with the other codecs only. */
export async function publish(page: TestPage, name: string, stripCodecs?: string): Promise<void> {
  await page.focus();
  await page.evaluate(([n, strip]) => {
    const w = window as unknown as { publish(n: string): void; session: { createStream(o: unknown): unknown } };
    if (strip === undefined) return w.publish(n);
    // The seed's publish(), with the SDK's stripCodecs option added.
    const original = w.session.createStream.bind(w.session);
    w.session.createStream = (o: unknown) => original({ ...(o as object), stripCodecs: strip });
    try {
      w.publish(n);
    } finally {
      w.session.createStream = original;
    }
  }, [name, stripCodecs] as const);
}

export async function play(page: TestPage, name: string): Promise<void> {
  await page.focus();
  await page.evaluate((n) => (window as unknown as { play(n: string): void }).play(n), name);
}

/** Page-side: audio RTP packets sent and received, over every live peer connection. */
export async function audioPackets(): Promise<{ sent: number; received: number }> {
  const out = { sent: 0, received: 0 };
  for (const pc of (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'audio') out.sent += s.packetsSent ?? 0;
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.received += s.packetsReceived ?? 0;
    });
  }
  return out;
}

export async function reports(page: TestPage): Promise<PeerConnectionReport[]> {
  return page.evaluate(peerConnectionReports, undefined);
}

/** Calls `probe` (on the Node side) until it returns a value, within a bound. */
async function waitFor<R>(what: string, timeoutMs: number, probe: () => Promise<R | undefined>): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits for a picture in the <video>, then for its own receiver's frames to keep growing. */
export async function expectPicture(page: TestPage, selector: string, timeoutMs = 20_000): Promise<{ first: VideoElementReport; second: VideoElementReport; waitedMs: number }> {
  const started = Date.now();
  let last: VideoElementReport | undefined;
  const first = await waitFor(`${page.browser}: decoded video in ${selector}`, timeoutMs, async () => {
    last = await page.evaluate(videoElementReport, selector);
    return last.videoWidth > 0 && last.framesDecoded > 0 ? last : undefined;
  }).catch((err: Error) => assert.fail(`${err.message}: ${JSON.stringify(last)}`));
  const waitedMs = Date.now() - started;
  const second = await waitFor(`${page.browser}: more frames in ${selector}`, 10_000, async () => {
    const r = await page.evaluate(videoElementReport, selector);
    return r.framesDecoded > first.framesDecoded ? r : undefined;
  });
  return { first, second, waitedMs };
}

/** Waits until audio packets move in the wanted direction. */
export async function expectAudio(page: TestPage, direction: 'sent' | 'received'): Promise<void> {
  const before = await page.evaluate(audioPackets, undefined);
  await waitFor(`${page.browser}: audio ${direction}`, 10_000, async () => {
    const now = await page.evaluate(audioPackets, undefined);
    return now[direction] > before[direction] + 10 ? now : undefined;
  });
}
