// Headless Debian Firefox ESR driven by puppeteer-core over WebDriver BiDi, optionally inside a test
// host's network namespace. Firefox's BiDi agent listens only on the loopback of the namespace it
// runs in, so a small bridge process there (firefox-bridge.mjs) carries the BiDi messages over its
// stdio, and puppeteer connects to that through a ConnectionTransport.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Browser as BrowserKind, createProfile } from '@puppeteer/browsers';
import puppeteer, { type Browser, type ConnectionTransport } from 'puppeteer-core';

export const FIREFOX = '/usr/bin/firefox-esr';
const bridgeScript = fileURLToPath(new URL('./firefox-bridge.mjs', import.meta.url));

export interface FirefoxOptions {
  /** Run Firefox inside this network namespace (through `ip netns exec`). */
  netns?: string;
  /** Origins whose pages may open the camera although served over http (test hosts). */
  allowInsecureMedia?: boolean;
  /** Extra preferences. */
  prefs?: Record<string, string | number | boolean>;
}

/** The prefs every test needs: a fake camera and microphone, no permission prompt, real host addresses. */
export const TEST_PREFS: Record<string, string | number | boolean> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // Tabs opened by the tests run side by side: none may be throttled or have its media suspended
  // for being in the background (a Firefox publisher tab behind its player tab stalled once in 7 runs).
  'media.suspend-bkgnd-video.enabled': false,
  'media.block-autoplay-until-in-foreground': false,
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
  // One content process, as puppeteer's own launcher sets it.
  'fission.webContentIsolationStrategy': 0,
  // No update checks, telemetry or remote settings: this machine's network is closed.
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

/** getUserMedia on an http:// test host (Chromium's --unsafely-treat-insecure-origin-as-secure). */
const INSECURE_MEDIA_PREFS = { 'media.devices.insecure.enabled': true, 'media.getusermedia.insecure.enabled': true };

export interface Firefox {
  browser: Browser;
  close(): Promise<void>;
}

/** A puppeteer transport over the bridge's stdio: one JSON message per line each way. */
function bridgeTransport(child: ChildProcess): Promise<ConnectionTransport> {
  return new Promise((resolve, reject) => {
    let opened = false;
    let errors = '';
    child.stderr!.on('data', (d) => (errors += d));
    const transport: ConnectionTransport = {
      send: (message) => child.stdin!.write(`${message}\n`),
      close: () => child.stdin!.end(),
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!opened) {
        if (line === '{"bridge":"open"}') {
          opened = true;
          resolve(transport);
        }
        return;
      }
      transport.onmessage?.(line);
    });
    child.once('exit', (code) => {
      if (!opened) reject(new Error(`Firefox did not start (bridge exit ${code}): ${errors.slice(-2000)}`));
      transport.onclose?.();
    });
  });
}

export async function launchFirefox(options: FirefoxOptions = {}): Promise<Firefox> {
  const dir = mkdtempSync(join(tmpdir(), 'traverse-firefox-'));
  await createProfile(BrowserKind.FIREFOX, {
    path: dir,
    preferences: { ...TEST_PREFS, ...(options.allowInsecureMedia ? INSECURE_MEDIA_PREFS : {}), ...options.prefs },
  });
  const command = [process.execPath, bridgeScript, FIREFOX, '--headless', '--no-remote', '--profile', dir, 'about:blank'];
  const child = options.netns
    ? spawn('ip', ['netns', 'exec', options.netns, ...command], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const cleanup = () => {
    if (child.exitCode === null && child.pid) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  let browser: Browser;
  try {
    const transport = await bridgeTransport(child);
    browser = await puppeteer.connect({ transport, protocol: 'webDriverBiDi', defaultViewport: null, protocolTimeout: 60_000 });
  } catch (err) {
    cleanup();
    throw err;
  }
  let closed = false;
  return {
    browser,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]).catch(() => undefined);
      const exited = child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      cleanup();
    },
  };
}
