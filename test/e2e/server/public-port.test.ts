// One public TCP port (--public-port) end to end: Chromium loads the example page from
// https://127.0.0.1:<public>/, the page signals on wss:// to that same port, publishes and plays;
// media forced through TURN over TLS and over TCP on that port, and straight to it over ICE-TCP; coturn's turnutils_uclient allocates
// and relays through it over TCP and TLS; and strangers' garbage, half-open and slow connections on
// the port leave a live session (whose media goes through that very port) playing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { testApp } from '../../../packages/server/test/support/app.ts';
import { expectVideoPlaying, launchBrowser, peerConnections, videoStats, type Browser } from '../support/browser.ts';
import { throwawayCertificate } from '../support/certificate.ts';
import { assertEveryConnectionRelayed } from '../support/relay-assert.ts';
import { waitFor } from '../support/wait.ts';
import { echoes, metricValue, runUclient, startProcess, type Started } from '../turn/support.ts';
import { fullCycle, stopAll } from './drive.ts';
import { connectPublishPlay } from './example-page.ts';
import { seedPage } from './seed-page.ts';

// This file's ports (22000–22499): the public ports, the embedded TURN's relay ports, and for the
// uclient case a media range with coturn's echo peer inside it (the embedded TURN relays to media ports only).
const PUBLIC_PORT = 22080;
const UCLIENT_PUBLIC_PORT = 22081;
const RELAY_PORTS = { minPort: 22100, maxPort: 22199 } as const;
const UCLIENT_RELAY_PORTS = { minPort: 22200, maxPort: 22299 } as const;
const UCLIENT_MEDIA_RANGE = { mediaPortMin: 22300, mediaPortMax: 22309 } as const;
const PEER_PORT = 22305;

const examples = fileURLToPath(new URL('../../../examples', import.meta.url));

describe('one public port in Chromium: the example page, WSS, TURN/TLS and TURN/TCP', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let browser: Browser;
  let pages: string;
  let base: string;

  before(async () => {
    pages = mkdtempSync(join(tmpdir(), 'traverse-public-port-'));
    cpSync(examples, pages, { recursive: true });
    writeFileSync(join(pages, 'seed.html'), seedPage('/sdk/flashphoner.js'));
    const certificate = await throwawayCertificate(['127.0.0.1']);
    app = await testApp({ examplesDir: pages, cert: certificate.cert, key: certificate.key, httpsPort: 0, wssPort: 0, publicPort: PUBLIC_PORT, turn: RELAY_PORTS });
    assert.equal(app.ports.public, PUBLIC_PORT);
    base = `https://127.0.0.1:${PUBLIC_PORT}`;
    browser = await launchBrowser({ trustedSpki: [certificate.spki] });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(pages, { recursive: true, force: true });
  });

  test('the two-way-streaming page from the public port signals on wss:// to the same port, publishes and plays: video decodes', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/two-way-streaming/`);
    await page.waitForFunction(() => (document.getElementById('urlServer') as HTMLInputElement).value !== '');
    assert.equal(await page.inputValue('#urlServer'), `wss://127.0.0.1:${PUBLIC_PORT}/`);
    await connectPublishPlay(page);
    assert.ok(await metricValue(`${app.httpUrl}/metrics`, 'traverse_public_port_connections_total', { route: 'https' }) >= 2, 'page and signaling came through the public port');
    await page.close();
  });

  /** A seed page from the public port whose media may only use TURN on the public port over `transport`. */
  async function relayedThroughPublicPort(transport: 'tls' | 'tcp', name: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${base}/seed.html`);
    const creds = await page.evaluate(async () => (await fetch('/turn-credentials')).json()) as { urls: string[]; username: string; credential: string };
    const url = creds.urls.find((u) => u.startsWith(`${transport === 'tls' ? 'turns' : 'turn'}:127.0.0.1:${PUBLIC_PORT}?transport=tcp`));
    assert.ok(url, `a ${transport} URL on the public port in ${creds.urls}`);
    await fullCycle(page, `wss://127.0.0.1:${PUBLIC_PORT}/`, [{ urls: url, username: creds.username, credential: creds.credential }], true, name);
    assertEveryConnectionRelayed(await peerConnections(page), 2, transport);
    return page;
  }

  for (const transport of ['tls', 'tcp'] as const) {
    test(`media forced through TURN over ${transport.toUpperCase()} on the public port: both peer connections select that relay, video decodes`, async () => {
      const page = await relayedThroughPublicPort(transport, `public-${transport}`);
      await stopAll(page);
      await page.close();
    });
  }

  test('ICE-TCP through the public port: with only that candidate left in the answers, both peer connections select TCP to the public port, video decodes', async () => {
    const page = await browser.newPage();
    // The answers keep one candidate: TCP to the public port (no UDP, no ICE-TCP media port, no TURN).
    await page.addInitScript((port: number) => {
      // No function-valued constants here: tsx would wrap them in a __name() the page does not have.
      const original = RTCPeerConnection.prototype.setRemoteDescription as (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) => Promise<void>;
      RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) {
        const sdp = description?.sdp?.split('\r\n').filter((l) => !l.startsWith('a=candidate:') || (l.includes(' tcp ') && l.includes(` ${port} typ `))).join('\r\n');
        return original.call(this, description && sdp !== undefined ? { type: description.type, sdp } : description);
      } as typeof RTCPeerConnection.prototype.setRemoteDescription;
    }, PUBLIC_PORT);
    await page.goto(`${base}/seed.html`);
    await fullCycle(page, `wss://127.0.0.1:${PUBLIC_PORT}/`, [], false, 'public-ice-tcp');
    const reports = (await peerConnections(page)).filter((r) => r.connectionState !== 'closed');
    assert.equal(reports.length, 2, JSON.stringify(reports));
    for (const r of reports) assert.deepEqual([r.selectedPair?.protocol, r.selectedPair?.localType === 'relay', r.selectedPair?.remoteAddress.endsWith(`:${PUBLIC_PORT}`)], ['tcp', false, true], JSON.stringify(r));
    assert.ok(await metricValue(`${app.httpUrl}/metrics`, 'traverse_public_port_connections_total', { route: 'ice_tcp' }) >= 2);
    await stopAll(page);
    await page.close();
  });

  test('strangers\' garbage, half-open and slow connections on the public port leave a session relayed through it playing, and the port serving', async () => {
    const page = await relayedThroughPublicPort('tls', 'under-flood');
    const before = await videoStats(page, '#remoteDisplay video');
    const refusedBefore = await refusals(app.httpUrl);
    // From other loopback addresses: strangers, not the page's own address.
    const flood = await strangers(PUBLIC_PORT);
    try {
      // During the flood: a new visitor from the page's address is served, and the session keeps decoding.
      const health = await page.evaluate(async () => (await fetch('/health', { cache: 'no-store' })).status);
      assert.equal(health, 200);
      await waitFor('frames decoded during the flood', 15_000, async () => {
        const now = await videoStats(page, '#remoteDisplay video');
        return now.peerConnection === before.peerConnection && now.framesDecoded > before.framesDecoded + 30 ? now : undefined;
      });
      // Every stranger is closed by the server within the first-bytes deadline (5 s), never kept.
      await waitFor('every stranger closed by the server', 20_000, () => (flood.open() === 0 ? true : undefined), { lastSeen: () => `${flood.open()} open` });
    } finally {
      flood.close();
    }
    const refused = (await refusals(app.httpUrl)) - refusedBefore;
    assert.ok(refused >= flood.count - 5, `refused ${refused} of ${flood.count} strangers`);
    const { second } = await expectVideoPlaying(page, '#remoteDisplay video');
    assert.ok(second.framesDecoded > before.framesDecoded);
    assertEveryConnectionRelayed(await peerConnections(page), 2, 'tls');
    await stopAll(page);
    await page.close();
  });
});

async function refusals(httpUrl: string): Promise<number> {
  return metricValue(`${httpUrl}/metrics`, 'traverse_public_port_refused_total');
}

/**
 * 400 connections from 127.0.0.2–127.0.0.5: garbage, half-open (connect, send nothing), a TLS
 * ClientHello trickled a byte a second, and an HTTP request line trickled likewise.
 */
async function strangers(port: number): Promise<{ count: number; open(): number; close(): void }> {
  const sockets: net.Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const connect = (i: number) => new Promise<net.Socket>((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % 4)}` });
    s.on('error', () => undefined);
    s.resume();
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
  const trickle = (s: net.Socket, bytes: Buffer) => {
    let at = 0;
    const timer = setInterval(() => {
      if (s.destroyed || at >= bytes.length) return clearInterval(timer);
      s.write(bytes.subarray(at, ++at));
    }, 1000);
    timers.push(timer);
  };
  const kinds = ['garbage', 'half-open', 'slow-tls', 'slow-http'] as const;
  await Promise.all(Array.from({ length: 400 }, async (_, i) => {
    const s = await connect(i);
    const kind = kinds[i % kinds.length];
    if (kind === 'garbage') s.write(Buffer.from(`\xff\xfe garbage ${i} `.repeat(20), 'latin1'));
    if (kind === 'slow-tls') trickle(s, Buffer.from('160301020001', 'hex'));
    if (kind === 'slow-http') trickle(s, Buffer.from('GET'));
  }));
  return {
    count: sockets.length,
    open: () => sockets.filter((s) => !s.closed).length,
    close() {
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.destroy());
    },
  };
}

describe('coturn turnutils_uclient through the public port', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  let peer: Started;

  before(async () => {
    peer = startProcess('turnutils_peer', ['-L', '127.0.0.1', '-p', String(PEER_PORT)], 300_000);
    assert.ok(await echoes(PEER_PORT, 10_000), 'turnutils_peer echoes');
    const certificate = await throwawayCertificate(['127.0.0.1']);
    app = await testApp({ cert: certificate.cert, key: certificate.key, httpsPort: 0, wssPort: 0, publicPort: UCLIENT_PUBLIC_PORT, ...UCLIENT_MEDIA_RANGE, turn: UCLIENT_RELAY_PORTS });
  });
  after(async () => {
    await app?.stop();
    await peer?.stop();
  });

  for (const c of [{ name: 'TCP', flags: ['-t'], transport: 'tcp' }, { name: 'TLS', flags: ['-t', '-S'], transport: 'tls' }]) {
    test(`turnutils_uclient over ${c.name} to the public port: allocations relay to the peer, 0 lost`, async () => {
      const creds = await (await fetch(`${app.httpUrl}/turn-credentials`)).json() as { username: string; credential: string };
      const relayedBefore = await metricValue(`${app.httpUrl}/metrics`, 'turn_relayed_packets_total', { transport: c.transport, direction: 'to_client' });
      const r = await runUclient([...c.flags, '-u', creds.username, '-w', creds.credential, '-e', '127.0.0.1', '-r', String(PEER_PORT),
        '-p', String(UCLIENT_PUBLIC_PORT), '-m', '2', '-n', '50', '-l', '200', '-c', '127.0.0.1'], 60_000);
      assert.deepEqual(r.errors, [], r.output.slice(-2000));
      assert.equal(r.lost, 0, r.output.slice(-2000));
      assert.equal(r.received, 100, r.output.slice(-2000));
      const relayed = (await metricValue(`${app.httpUrl}/metrics`, 'turn_relayed_packets_total', { transport: c.transport, direction: 'to_client' })) - relayedBefore;
      assert.ok(relayed >= 100, `the embedded TURN relayed ${relayed} packets to ${c.transport} clients`);
    });
  }
});
