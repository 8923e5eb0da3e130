// Headless Debian Chromium driven by playwright-core: fresh profile, fake camera, the flags these
// machines need (research/webrtc-stack.md §2, §7), optionally inside a network namespace.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { peerConnectionReports, recordPeerConnections, videoElementReport, type PeerConnectionReport, type VideoElementReport } from './peer-connections.ts';
import { bounded, waitFor } from './wait.ts';

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

/** SIGKILLs the processes whose command line names `marker` (this launch's own profile folder). */
function killProcessesUsing(marker: string): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone, or not ours to read */ }
  }
}

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
  const profile = join(dir, 'profile');
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args, timeout: 60_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Record every RTCPeerConnection a page creates, so tests can read getStats() without touching
  // the SDK under test.
  await context.addInitScript(recordPeerConnections);
  let closed = false;
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      if (closed) return;
      closed = true;
      // Bounded: a wedged browser must not hang the suite, nor keep this process alive afterwards.
      await bounded('closing Chromium', 10_000, context.close()).catch(() => killProcessesUsing(profile));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The browser's report on every peer connection the page made (selected ICE pair, frames). */
export async function peerConnections(page: Page): Promise<PeerConnectionReport[]> {
  return bounded('getStats() of the page', 10_000, page.evaluate(peerConnectionReports));
}

/** videoWidth of a <video> and the frames decoded for the very track it shows (see peer-connections.ts). */
export type VideoStats = VideoElementReport;

export async function videoStats(page: Page, videoSelector: string): Promise<VideoStats> {
  return bounded(`getStats() for ${videoSelector}`, 10_000, page.evaluate(videoElementReport, videoSelector));
}

/**
 * Waits until the <video> has a size and its own receiver has decoded frames, then until that count
 * grows: the stream under test plays, whatever else the page receives.
 */
export async function expectVideoPlaying(page: Page, videoSelector: string, timeoutMs = 20_000): Promise<{ first: VideoStats; second: VideoStats }> {
  let last: VideoStats | undefined;
  const lastSeen = () => JSON.stringify(last);
  const first = await waitFor(`${videoSelector} to show decoded frames`, timeoutMs, async () => {
    last = await videoStats(page, videoSelector);
    return last.videoWidth > 0 && last.framesDecoded > 0 ? last : undefined;
  }, { everyMs: 250, lastSeen });
  const second = await waitFor(`${videoSelector} to keep decoding`, timeoutMs, async () => {
    last = await videoStats(page, videoSelector);
    return last.peerConnection === first.peerConnection && last.framesDecoded > first.framesDecoded ? last : undefined;
  }, { everyMs: 250, lastSeen });
  return { first, second };
}
