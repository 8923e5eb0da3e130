// WHIP behind a firewall, for real: Traverse on a "server" host, and on a "client" host whose UDP is
// dropped by iptables, a werift WHIP publisher (generated H.264) that learns TURN only from the Link
// headers of its 201 and relays over TURN/TCP. Chromium on the same firewalled host then watches the
// stream as the README says: in /whep-player/ and in /firewall-traversal-streaming/ (play only).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectVideoPlaying, launchBrowser, peerConnections, type Browser } from '../support/browser.ts';
import { createTopology, type Topology } from '../support/netns.ts';
import { assertEveryConnectionRelayed } from '../support/relay-assert.ts';
import { waitFor } from '../support/wait.ts';
import { listedThrough, NS_TURN_PORT, startTraverseIn, statusOf, type NamespaceServer } from './support.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface PublisherEvent {
  event: string;
  localCandidateType?: string;
  iceServers?: string[];
  framesSent?: number;
  status?: number;
  message?: string;
}

describe('a WHIP publisher behind a UDP-blocking firewall relays through the TURN server of the Link headers', () => {
  let net: Topology;
  let server: NamespaceServer;
  let publisher: ChildProcess;
  const events: PublisherEvent[] = [];
  let browser: Browser;
  let base: string;
  const name = 'obs-behind-firewall';

  before(async () => {
    net = createTopology();
    net.blockClientUdp();
    server = await startTraverseIn(net);
    base = server.base;
    browser = await launchBrowser({ netns: net.client.ns, insecureOrigins: [base], noMdns: true });
  });

  after(async () => {
    await browser?.close();
    if (publisher?.exitCode === null) publisher.kill('SIGKILL');
    server?.stop();
    net?.destroy();
  });

  const lastEvent = () => JSON.stringify(events.at(-1));

  test('1. the werift publisher gets TURN URLs and credentials from the Link headers, connects through a TCP relay, and the server sees the relay address', async () => {
    publisher = net.spawnIn(net.client, process.execPath, ['--import', 'tsx', join(root, 'test/e2e/whip/werift-whip-publisher.ts'),
      `${base}/whip/${name}`, net.client.ip, 'tcp-only']);
    let buffered = '';
    publisher.stdout!.on('data', (d: Buffer) => {
      buffered += d;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        if (line.startsWith('{')) events.push(JSON.parse(line) as PublisherEvent);
        buffered = buffered.slice(nl + 1);
      }
    });
    let stderr = '';
    publisher.stderr!.on('data', (d) => (stderr += d));
    const created = await waitFor('the WHIP session created', 30_000, () => events.find((e) => e.event === 'created' || e.event === 'error'), { lastSeen: () => stderr.slice(-1000) });
    assert.equal(created.event, 'created', JSON.stringify(created));
    assert.deepEqual(created.iceServers, [`turn:${net.server.ip}:${NS_TURN_PORT}?transport=tcp`], 'the TCP URL of the Link headers');
    const connected = await waitFor('the publisher connected', 40_000, () => events.find((e) => e.event === 'connected' || e.event === 'error'), { lastSeen: lastEvent });
    assert.equal(connected.event, 'connected', JSON.stringify(connected));
    assert.equal(connected.localCandidateType, 'relay');
    await waitFor('frames sent', 10_000, () => (events.some((e) => (e.framesSent ?? 0) > 10) ? true : undefined), { lastSeen: lastEvent });

    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const listed = await listedThrough(page, name);
    assert.equal(listed.length, 1, JSON.stringify(listed));
    assert.equal(listed[0]!.status, 'PUBLISHING');
    assert.match(listed[0]!.remoteAddress ?? '', new RegExp(`^${net.server.ip.replace(/\./g, '\\.')}:21[5-9]\\d\\d$`), 'media arrives from a relay port of the embedded TURN');
    await page.close();
  });

  test('2. /whep-player/ on the firewalled host plays it through TURN/TCP from its own Link headers: the H.264 picture decodes', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/whep-player/?name=${name}`);
    await page.click('#playBtn');
    assert.match(await statusOf(page, 'playStatus', /PLAYING/, 40_000), /PLAYING/);
    const { second } = await expectVideoPlaying(page, '#video');
    assert.equal(second.videoWidth, 128);
    assertEveryConnectionRelayed(await peerConnections(page), 1, 'tcp');
    await page.click('#playBtn');
    assert.match(await statusOf(page, 'playStatus', /STOPPED/, 10_000), /STOPPED/);
    await page.close();
  });

  test('3. /firewall-traversal-streaming/, play only, with Force relay over TURN/TCP: the same stream decodes; the publisher\'s DELETE ends it with "Stopped by publisher stop"', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/firewall-traversal-streaming/`);
    await page.waitForFunction(() => (document.getElementById('urlTurnServer') as HTMLInputElement).value !== '' && (document.getElementById('urlServer') as HTMLInputElement).value !== '');
    await page.evaluate(([url, n]) => {
      (document.getElementById('urlTurnServer') as HTMLInputElement).value = url!;
      (document.getElementById('forceRelay') as HTMLInputElement).checked = true;
      (document.getElementById('playStream') as HTMLInputElement).value = n!;
    }, [`turn:${net.server.ip}:${NS_TURN_PORT}?transport=tcp`, name]);
    await page.click('#connectBtn');
    assert.match(await statusOf(page, 'connectStatus', /ESTABLISHED/, 20_000), /ESTABLISHED/);
    await page.click('#playBtn');
    assert.match(await statusOf(page, 'playStatus', /PLAYING/, 40_000), /PLAYING/);
    const { second } = await expectVideoPlaying(page, '#remoteVideo video');
    assert.equal(second.videoWidth, 128);
    assertEveryConnectionRelayed(await peerConnections(page), 1, 'tcp');

    publisher.kill('SIGTERM');
    const deleted = await waitFor('the publisher\'s DELETE', 15_000, () => events.find((e) => e.event === 'deleted' || e.event === 'error'), { lastSeen: lastEvent });
    assert.deepEqual(deleted, { event: 'deleted', status: 200 });
    assert.match(await statusOf(page, 'playStatus', /Stopped by publisher stop/, 10_000), /FAILED — Stopped by publisher stop/);
    await page.close();
  });
});
