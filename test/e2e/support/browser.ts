// Headless Debian Chromium driven by playwright-core: fresh profile, fake camera, the flags these
// machines need (research/webrtc-stack.md §2, §7), optionally inside a network namespace.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export interface BrowserOptions {
  /** Run Chromium inside this network namespace (through `ip netns exec`). */
  netns?: string;
  /** Origins treated as secure although served over http (getUserMedia needs a secure context). */
  insecureOrigins?: string[];
  /** base64 SHA-256 of certificate public keys to trust (a self-signed TURN/TLS certificate). */
  trustedSpki?: string[];
  /** Show real host addresses instead of mDNS names, so only the network decides. */
  noMdns?: boolean;
}

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'traverse-chromium-'));
  let executablePath = CHROMIUM;
  if (options.netns) {
    executablePath = join(dir, 'chromium-in-netns.sh');
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${options.netns} ${CHROMIUM} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', '--disable-quic', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
    ...(options.noMdns ? ['--disable-features=WebRtcHideLocalIpsWithMdns'] : []),
    ...(options.insecureOrigins?.length ? [`--unsafely-treat-insecure-origin-as-secure=${options.insecureOrigins.join(',')}`] : []),
    ...(options.trustedSpki?.length ? [`--ignore-certificate-errors-spki-list=${options.trustedSpki.join(',')}`] : []),
  ];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath, headless: true, args, timeout: 60_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Record every RTCPeerConnection a page creates, so tests can read getStats() without touching
  // the SDK under test.
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const list: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = list;
    window.RTCPeerConnection = class extends Native {
      constructor(...a: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...a);
        list.push(this);
      }
    } as typeof RTCPeerConnection;
  });
  let closed = false;
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([context.close(), new Promise((r) => setTimeout(r, 10_000))]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface VideoStats {
  videoWidth: number;
  framesDecoded: number;
}

/** videoWidth of the <video> in `container` and the largest inbound video framesDecoded of the page. */
export async function videoStats(page: Page, videoSelector: string): Promise<VideoStats> {
  return page.evaluate(async (selector) => {
    const video = document.querySelector(selector) as HTMLVideoElement | null;
    let framesDecoded = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded = Math.max(framesDecoded, s.framesDecoded ?? 0);
      });
    }
    return { videoWidth: video?.videoWidth ?? 0, framesDecoded };
  }, videoSelector);
}

/** Waits until the remote video has a size and has decoded frames that keep growing. */
export async function expectVideoPlaying(page: Page, videoSelector: string, timeoutMs = 20_000): Promise<{ first: VideoStats; second: VideoStats }> {
  const deadline = Date.now() + timeoutMs;
  let first: VideoStats = { videoWidth: 0, framesDecoded: 0 };
  while (Date.now() < deadline) {
    first = await videoStats(page, videoSelector);
    if (first.videoWidth > 0 && first.framesDecoded > 0) break;
    await page.waitForTimeout(250);
  }
  if (!(first.videoWidth > 0 && first.framesDecoded > 0)) throw new Error(`video never played: ${JSON.stringify(first)}`);
  await page.waitForTimeout(1500);
  const second = await videoStats(page, videoSelector);
  if (!(second.framesDecoded > first.framesDecoded)) throw new Error(`frames stopped: ${JSON.stringify({ first, second })}`);
  return { first, second };
}
