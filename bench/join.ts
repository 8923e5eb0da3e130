// npm run bench:join [-- --runs 9] [--paths 0,1,2,3,4] [--gap-ms 1000]   (root: it builds network namespaces)
// Join speed per path: play() → first decoded frame, measured in Chromium on a "client" host whose
// firewall leaves one path to Traverse on a "server" host (the namespaces of the firewall tests):
// UDP direct, ICE-TCP, TURN/TCP and TURN/TLS on 443. One publisher per path, then --runs plays of
// its stream, each stopped before the next. The time is the page's own: from the play() call to the
// first frame the <video> presents (requestVideoFrameCallback). Plays start --gap-ms apart, as
// independent viewers do (joins closer than the server's key-frame coalescing interval, 500 ms, share
// the publisher's key frames and wait longer). Prints median and range per path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, peerConnections, type Browser } from '../test/e2e/support/browser.ts';
import { throwawayCertificate } from '../test/e2e/support/certificate.ts';
import { createTopology, requireRoot, type Topology } from '../test/e2e/support/netns.ts';
import { liveConnections } from '../test/e2e/support/relay-assert.ts';
import { startServerHost, type ServerHost } from '../test/e2e/support/server-host.ts';
import { connectSeed, publishSeed, waitEvent } from '../test/e2e/server/drive.ts';

const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : '9');
const gapMs = Number(args.includes('--gap-ms') ? args[args.indexOf('--gap-ms') + 1] : '1000');
const only = args.includes('--paths') ? args[args.indexOf('--paths') + 1]!.split(',').map(Number) : undefined;

interface Path {
  name: string;
  firewall: (net: Topology) => void;
  base: (ip: string) => string;
  urlServer: (ip: string) => string;
  turnUrl?: (ip: string) => string;
}

const PATHS: Path[] = [
  { name: 'UDP direct', firewall: (n) => n.allowClientOnly('open'), base: (ip) => `http://${ip}:8888`, urlServer: (ip) => `ws://${ip}:8080/` },
  { name: 'ICE-TCP (UDP blocked)', firewall: (n) => { n.allowClientOnly('open'); n.blockClientUdp(); }, base: (ip) => `http://${ip}:8888`, urlServer: (ip) => `ws://${ip}:8080/` },
  { name: 'ICE-TCP on 443 (only TCP 443 open)', firewall: (n) => n.allowClientOnly({ tcp: [443] }), base: (ip) => `https://${ip}`, urlServer: (ip) => `wss://${ip}/` },
  { name: 'TURN/TCP (UDP blocked)', firewall: (n) => { n.allowClientOnly('open'); n.blockClientUdp(); }, base: (ip) => `http://${ip}:8888`, urlServer: (ip) => `ws://${ip}:8080/`,
    turnUrl: (ip) => `turn:${ip}:3478?transport=tcp` },
  { name: 'TURN/TLS on 443 (only TCP 443 open)', firewall: (n) => n.allowClientOnly({ tcp: [443] }), base: (ip) => `https://${ip}`, urlServer: (ip) => `wss://${ip}/`,
    turnUrl: (ip) => `turns:${ip}:443?transport=tcp` },
];

/** Plays `name` once; resolves with ms from the play() call to the first presented frame. */
async function timedPlay(page: Page, name: string): Promise<number> {
  await page.evaluate(() => {
    (window as unknown as { events: unknown[] }).events.length = 0;
    document.getElementById('remoteDisplay')!.innerHTML = '';
  });
  // A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
  const ms = await page.evaluate(`new Promise((resolve, reject) => {
    const display = document.getElementById('remoteDisplay');
    const started = performance.now();
    const timer = setTimeout(() => reject(new Error('no frame within 15 s')), 15000);
    const watch = () => {
      const video = display.querySelector('video');
      if (!video) return void setTimeout(watch, 1);
      video.requestVideoFrameCallback(() => {
        clearTimeout(timer);
        resolve(performance.now() - started);
      });
    };
    window.play(${JSON.stringify(name)});
    watch();
  })`) as number;
  await page.evaluate(() => (window as unknown as { playStream: { stop(): void } }).playStream.stop());
  await waitEvent(page, 'play', 'STOPPED');
  return ms;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `${Math.round(median)} ms | ${Math.round(sorted[0]!)}–${Math.round(sorted.at(-1)!)} ms`;
}

requireRoot();
const net = createTopology();
const ip = net.server.ip;
const dir = mkdtempSync(join(tmpdir(), 'traverse-join-'));
let server: ServerHost | undefined;
let browser: Browser | undefined;
try {
  const certificate = await throwawayCertificate([ip]);
  writeFileSync(join(dir, 'cert.pem'), certificate.cert);
  writeFileSync(join(dir, 'key.pem'), certificate.key);
  server = await startServerHost(net, net.server, ['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'),
    '--public-port', '443', '--turn-min-port', '65000', '--turn-max-port', '65500']);
  browser = await launchBrowser({ netns: net.client.ns, insecureOrigins: [`http://${ip}:8888`], trustedSpki: [certificate.spki], noMdns: true });
  console.log(`play() → first decoded frame, ${runs} runs per path (Chromium, client and server in network namespaces)\n`);
  console.log('| path | median | range | selected pair |');
  console.log('|---|---|---|---|');
  for (const [i, path] of PATHS.entries()) {
    if (only && !only.includes(i)) continue;
    path.firewall(net);
    const page = await browser.newPage();
    await page.goto(`${path.base(ip)}/seed-ours.html`);
    let iceServers: unknown[] = [];
    if (path.turnUrl) {
      const creds = await page.evaluate(async () => (await fetch('/turn-credentials')).json()) as { username: string; credential: string };
      iceServers = [{ urls: path.turnUrl(ip), username: creds.username, credential: creds.credential }];
    }
    await connectSeed(page, path.urlServer(ip), iceServers, path.turnUrl !== undefined);
    await publishSeed(page, `join-${i}`);
    const times: number[] = [];
    let pair = '';
    for (let run = 0; run < runs; run++) {
      await new Promise((r) => setTimeout(r, gapMs));
      times.push(await timedPlay(page, `join-${i}`));
      if (run === 0) {
        // The player of this run is closed by now: read the publisher's pair (the same path).
        const live = liveConnections(await peerConnections(page));
        const p = live[0]?.selectedPair;
        pair = p ? `${p.localType}${p.relayProtocol ? `/${p.relayProtocol}` : ''} ${p.protocol} → ${p.remoteAddress}` : '?';
      }
    }
    console.log(`| ${path.name} | ${summary(times).replace(' | ', ' | ')} | ${pair} |`);
    await page.close();
  }
} finally {
  await browser?.close();
  await server?.stop();
  net.destroy();
  rmSync(dir, { recursive: true, force: true });
}
