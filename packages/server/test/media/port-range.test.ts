// The media port range (mediaPortMin–mediaPortMax, docs/configuration.md): every session's socket is
// bound inside it and announced as such, running out is a clear FAILED at once, and a stopped
// session's port serves the next one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_MEDIA_PORTS, testApp } from '../support/app.ts';
import { boundUdpPorts, candidatePorts } from '../support/bound-ports.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { startOver } from '../support/signaling.ts';
import { WsClient, newId, publishPayload } from '../support/ws-client.ts';

const [FIRST] = TEST_MEDIA_PORTS;
const inRange = (min: number, max: number) => (port: number) => port >= min && port <= max;

/** Publishes or plays; its mediaSessionId and the ports its answer announces. */
async function start(ws: WsClient, peer: TestPublisher | TestPlayer, name: string): Promise<{ id: string; ports: Set<number> }> {
  const { id, answer } = await startOver(ws, peer, name);
  return { id, ports: new Set(candidatePorts(answer)) };
}

test('each session binds one media socket inside mediaPortMin–mediaPortMax and announces that port', async (t) => {
  const [min, max] = [FIRST + 10, FIRST + 29];
  const app = await testApp({ mediaPortMin: min, mediaPortMax: max });
  const publisher = new TestPublisher();
  const players = [new TestPlayer(), new TestPlayer()];
  const ws = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    await Promise.all([publisher.close(), ...players.map((p) => p.close())]);
    await app.stop();
  });
  const before = boundUdpPorts();
  const sessions = [await start(ws, publisher, 'ranged')];
  for (const p of players) sessions.push(await start(ws, p, 'ranged'));
  publisher.startSending(50);
  await until(() => players.every((p) => p.videoPackets > 10), 10_000, 'video over the ranged ports');

  const announced = sessions.map((s) => [...s.ports]);
  for (const ports of announced) assert.equal(ports.length, 1, `one port per session (one media IP, BUNDLE): ${ports.join(', ')}`);
  assert.ok(announced.flat().every(inRange(min, max)), `announced ${announced.flat().join(', ')}`);
  assert.equal(new Set(announced.flat()).size, 3, 'a port per session');
  // The process's new sockets: the three test peers' (OS-chosen ports) and the server's three, which
  // are exactly the announced ones.
  const opened = [...boundUdpPorts()].filter((p) => !before.has(p));
  assert.deepEqual(opened.filter(inRange(min, max)).sort(), announced.flat().sort());
  assert.equal(opened.length, 6, `sockets opened: ${opened.join(', ')}`);
});

test('with the media range used up, a publish fails at once with "no free media port"; a stopped session\'s port is reused', async (t) => {
  const [min, max] = [FIRST, FIRST + 2];
  const app = await testApp({ mediaPortMin: min, mediaPortMax: max });
  const publishers = [new TestPublisher(), new TestPublisher(), new TestPublisher(), new TestPublisher()];
  const ws = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    await Promise.all(publishers.map((p) => p.close()));
    await app.stop();
  });
  // Three publishes at once, one port each.
  const live = await Promise.all(publishers.slice(0, 3).map((p, i) => start(ws, p, `full-${i}`)));
  assert.deepEqual(live.flatMap((s) => [...s.ports]).sort(), [min, min + 1, max]);

  const extra = publishers[3]!;
  const refused = newId();
  const asked = Date.now();
  ws.send('publishStream', publishPayload(refused, 'one-too-many', await extra.offer()));
  const status = await ws.status(refused);
  assert.deepEqual([status.status, status.info], ['FAILED', 'Failed by error: no free media port']);
  assert.ok(Date.now() - asked < app.config.iceTimeoutSeconds * 1000, 'refused, not left to time out');
  assert.deepEqual(app.media.counts(), { publishers: 3, players: 0, streams: 3 });

  // Stopping one frees its port, and the next publish gets it.
  const [, stopped] = live;
  ws.send('unPublishStream', { mediaSessionId: stopped!.id, name: 'full-1', published: true, status: 'PUBLISHING' });
  assert.equal((await ws.status(stopped!.id)).status, 'UNPUBLISHED');
  const [freed] = [...stopped!.ports];
  await until(() => !boundUdpPorts().has(freed!), 5000, `port ${freed} closed`);
  const next = await start(ws, extra, 'one-too-many');
  assert.deepEqual([...next.ports], [freed]);
});
