// "Open UDP 40000 and TCP 443; that's all" (docs/firewall-traversal.md), for real: Traverse with its
// defaults plus --public-port 443 on a "server" host, headless Chromium on a "client" host whose
// iptables let out only what each case names. Every case ends with video decoded and the browser's
// selected candidate pair naming the path the media took.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { throwawayCertificate } from '../support/certificate.ts';
import { createTopology, type Topology } from '../support/netns.ts';
import type { PeerConnectionReport } from '../support/peer-connections.ts';
import { assertEveryConnectionRelayed, liveConnections } from '../support/relay-assert.ts';
import { startServerHost, type ServerHost } from '../support/server-host.ts';
import { fullCycle, stopAll } from '../server/drive.ts';
import { connectPublishPlay } from '../server/example-page.ts';
import type { ConnectivityReport } from '../../../packages/sdk/src/index.ts';

const MEDIA_PORT = 40000;
const PUBLIC_PORT = 443;

/** Every live connection selected a pair without TURN over `protocol`, to the server's `port`. */
function assertEveryConnectionDirectOver(reports: PeerConnectionReport[], protocol: 'udp' | 'tcp', port: number): void {
  const live = liveConnections(reports);
  const all = JSON.stringify(reports);
  assert.equal(live.length, 2, `live peer connections: ${all}`);
  for (const r of live) {
    assert.equal(r.connectionState, 'connected', all);
    assert.notEqual(r.selectedPair?.localType, 'relay', `connection ${r.index} went through TURN: ${all}`);
    assert.equal(r.selectedPair?.protocol, protocol, `connection ${r.index}: ${all}`);
    assert.ok(r.selectedPair?.remoteAddress.endsWith(`:${port}`), `connection ${r.index} reached port ${port}: ${all}`);
  }
}

describe('two ports: what each firewall leaves, and the path media takes through it', () => {
  let net: Topology;
  let server: ServerHost;
  let browser: Browser;
  let dir: string;
  let ip: string;

  before(async () => {
    net = createTopology();
    ip = net.server.ip;
    dir = mkdtempSync(join(tmpdir(), 'traverse-2p-'));
    const certificate = await throwawayCertificate([ip]);
    writeFileSync(join(dir, 'cert.pem'), certificate.cert);
    writeFileSync(join(dir, 'key.pem'), certificate.key);
    // The defaults (media UDP and ICE-TCP on 40000), plus the one public port.
    server = await startServerHost(net, net.server, ['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'),
      '--public-port', String(PUBLIC_PORT), '--turn-min-port', '65000', '--turn-max-port', '65500', '--ice-timeout', '8']);
    browser = await launchBrowser({ netns: net.client.ns, insecureOrigins: [server.base], trustedSpki: [certificate.spki], noMdns: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    net?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** /connectivity/ from `base`, run to its report: the self-test's word on this firewall. */
  async function selfTest(base: string): Promise<ConnectivityReport> {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/connectivity/`);
      const handle = await page.waitForFunction(() => (window as unknown as { connectivityReport?: unknown }).connectivityReport, undefined, { timeout: 40_000, polling: 200 });
      return (await handle.jsonValue()) as ConnectivityReport;
    } finally {
      await page.close();
    }
  }

  async function seed(base: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${base}/seed-ours.html`);
    return page;
  }

  test('UDP blocked, the page sets no TURN: media flows over ICE-TCP to the media port', async () => {
    net.allowClientOnly('open');
    net.blockClientUdp();
    const page = await seed(`http://${ip}:8888`);
    await fullCycle(page, `ws://${ip}:8080/`, [], false, 'fw-ice-tcp');
    assertEveryConnectionDirectOver(await peerConnections(page), 'tcp', MEDIA_PORT);
    await stopAll(page);
    await page.close();
    const report = await selfTest(`http://${ip}:8888`);
    assert.equal(report.mediaPath, 'tcp', JSON.stringify(report));
    assert.match(report.verdict, /^UDP is blocked: media will use TCP port 40000 \(ICE-TCP, no relay, /);
  });

  test('only TCP 443 open: the page loads from https://server/, signaling is WSS on 443, and media flows over ICE-TCP on 443', async () => {
    net.allowClientOnly({ tcp: [PUBLIC_PORT] });
    const page = await seed(`https://${ip}`);
    await fullCycle(page, `wss://${ip}:${PUBLIC_PORT}/`, [], false, 'fw-443-ice-tcp');
    assertEveryConnectionDirectOver(await peerConnections(page), 'tcp', PUBLIC_PORT);
    await stopAll(page);
    await page.close();
    const report = await selfTest(`https://${ip}`);
    assert.equal(report.mediaPath, 'tcp', JSON.stringify(report));
    assert.match(report.verdict, /^UDP is blocked: media will use TCP port 443 \(ICE-TCP, no relay, /);
    const row = (path: string) => report.paths.find((r) => r.path === path);
    assert.deepEqual([row('turn-tls')?.outcome, row('turn-tls')?.serverPort], ['reachable', PUBLIC_PORT], JSON.stringify(report));
  });

  test('only TCP 443 open: the firewall example page loaded from https://server/, with no ICE settings filled in, publishes and plays', async () => {
    net.allowClientOnly({ tcp: [PUBLIC_PORT] });
    const page = await browser.newPage();
    await page.goto(`https://${ip}/firewall-traversal-streaming/`);
    await connectPublishPlay(page);
    const live = liveConnections(await peerConnections(page));
    assert.equal(live.length, 2, JSON.stringify(live));
    for (const r of live) assert.ok(r.selectedPair?.remoteAddress.endsWith(`:${PUBLIC_PORT}`) || r.selectedPair?.localType === 'relay', JSON.stringify(live));
    await page.close();
  });

  test('only TCP 443 open, relay forced: media flows through TURN over TLS on 443', async () => {
    net.allowClientOnly({ tcp: [PUBLIC_PORT] });
    const page = await seed(`https://${ip}`);
    const creds = await page.evaluate(async () => (await fetch('/turn-credentials')).json()) as { username: string; credential: string };
    await fullCycle(page, `wss://${ip}:${PUBLIC_PORT}/`, [{ urls: `turns:${ip}:${PUBLIC_PORT}?transport=tcp`, username: creds.username, credential: creds.credential }], true, 'fw-443-turns');
    assertEveryConnectionRelayed(await peerConnections(page), 2, 'tls');
    await stopAll(page);
    await page.close();
  });

  test('only UDP 40000 and TCP 443 open: media flows over UDP directly', async () => {
    net.allowClientOnly({ tcp: [PUBLIC_PORT], udp: [MEDIA_PORT] });
    const page = await seed(`https://${ip}`);
    await fullCycle(page, `wss://${ip}:${PUBLIC_PORT}/`, [], false, 'fw-udp-443');
    assertEveryConnectionDirectOver(await peerConnections(page), 'udp', MEDIA_PORT);
    await stopAll(page);
    await page.close();
    const report = await selfTest(`https://${ip}`);
    assert.equal(report.mediaPath, 'udp', JSON.stringify(report));
    assert.match(report.verdict, /^UDP is open: media uses UDP directly \(/);
  });
});
