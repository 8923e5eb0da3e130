// WCS REST /rest-api/stream/find and /terminate against live werift streams (docs/rest-api.md): what
// terminate answers, whom it ends with which status, that media to the ended players really stops,
// and that a terminated name can be published again.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../support/app.ts';
import { playOver, publishOver, rest } from '../support/signaling.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { WsClient } from '../support/ws-client.ts';

type App = Awaited<ReturnType<typeof testApp>>;
type Status = [status: string, info: string];

const TERMINATED = 'Stopped by rest /terminate';
/** Packets a player may still take in after its end: those already on their way over loopback. */
const IN_FLIGHT = 3;

/** One established signaling connection for the whole test; closed after it with every peer. */
async function connect(t: TestContext, app: App, peers: (TestPublisher | TestPlayer)[]): Promise<WsClient> {
  const ws = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    await Promise.all(peers.map((p) => p.close()));
  });
  return ws;
}

/** A stream `name`, sending, with `players` playing it and each of them receiving video. */
async function liveStream(ws: WsClient, name: string, players: TestPlayer[]) {
  const publisher = new TestPublisher();
  const publisherId = await publishOver(ws, publisher, name);
  publisher.startSending(50);
  const playerIds: string[] = [];
  for (const p of players) playerIds.push(await playOver(ws, p, name));
  await until(() => players.every((p) => p.videoPackets > 10), 10_000, `video of ${name} at its players`);
  return { publisher, publisherId, playerIds };
}

async function statusOf(ws: WsClient, id: string): Promise<Status> {
  const s = await ws.status(id);
  return [s.status, s.info];
}

/**
 * Proves that `stopped` players receive nothing more: meanwhile `flowing` received 50 more packets
 * through the same server, so media sent to the stopped ones would have arrived too.
 */
async function assertMediaStopped(stopped: TestPlayer[], flowing: TestPlayer): Promise<void> {
  const before = stopped.map((p) => p.videoPackets);
  const target = flowing.videoPackets + 50;
  await until(() => flowing.videoPackets >= target, 10_000, 'video at the player still playing');
  for (const [i, p] of stopped.entries()) {
    assert.ok(p.videoPackets - before[i]! <= IN_FLIGHT, `an ended player received ${p.videoPackets - before[i]!} packets after its end`);
  }
}

test('terminate by mediaSessionId ends that one player; the stream and its other player go on', async (t) => {
  const app = await testApp();
  t.after(() => app.stop());
  const [ended, kept] = [new TestPlayer(), new TestPlayer()];
  const ws = await connect(t, app, [ended, kept]);
  const { publisher, publisherId, playerIds: [endedId, keptId] } = await liveStream(ws, 'live', [ended, kept]);
  t.after(() => publisher.close());

  assert.deepEqual(await rest(app.httpUrl, '/rest-api/stream/terminate', { mediaSessionId: endedId }), { status: 200, body: { terminated: 1 } });
  assert.deepEqual(await statusOf(ws, endedId!), ['FAILED', TERMINATED]);
  await assertMediaStopped([ended], kept);
  const live = (await rest(app.httpUrl, '/rest-api/stream/find_all', {})).body as { mediaSessionId: string; status: string }[];
  assert.deepEqual(live.map((s) => [s.mediaSessionId, s.status]).sort(), [[publisherId, 'PUBLISHING'], [keptId, 'PLAYING']].sort());
  assert.equal(ws.frames.filter((f) => f.message === 'notifyStreamStatusEvent').length, 0, 'no other session heard a status');
});

test('terminate {} ends every live stream and answers {"terminated": n}; media stops and the names can be published again', async (t) => {
  const app = await testApp();
  t.after(() => app.stop());
  const players = [new TestPlayer(), new TestPlayer(), new TestPlayer()];
  const ws = await connect(t, app, players);
  const a = await liveStream(ws, 'a', [players[0]!, players[1]!]);
  const b = await liveStream(ws, 'b', [players[2]!]);
  t.after(() => Promise.all([a.publisher.close(), b.publisher.close()]));

  assert.deepEqual(await rest(app.httpUrl, '/rest-api/stream/terminate', {}), { status: 200, body: { terminated: 5 } });
  for (const { publisherId, playerIds } of [a, b]) {
    assert.deepEqual(await statusOf(ws, publisherId), ['UNPUBLISHED', TERMINATED]);
    for (const id of playerIds) assert.deepEqual(await statusOf(ws, id), ['FAILED', TERMINATED]);
  }
  assert.deepEqual(app.media.counts(), { publishers: 0, players: 0, streams: 0 });
  assert.equal((await rest(app.httpUrl, '/rest-api/stream/terminate', {})).status, 404, 'nothing left to terminate');

  // The old publishers still send; a new publisher takes the name "a" and its player gets video,
  // while the terminated players get nothing.
  const again = new TestPlayer();
  t.after(() => again.close());
  const republished = await liveStream(ws, 'a', [again]);
  t.after(() => republished.publisher.close());
  await assertMediaStopped(players, again);
});

test('terminate by name: the publisher hears UNPUBLISHED and its players FAILED, "Stopped by rest /terminate"', async (t) => {
  const app = await testApp();
  t.after(() => app.stop());
  const player = new TestPlayer();
  const ws = await connect(t, app, [player]);
  const { publisher, publisherId, playerIds: [playId] } = await liveStream(ws, 'live', [player]);
  t.after(() => publisher.close());

  const found = await rest(app.httpUrl, '/rest-api/stream/find', { name: 'live', published: true });
  assert.equal(found.status, 200);
  const streams = found.body as Record<string, unknown>[];
  assert.equal(streams.length, 1);
  assert.equal(streams[0]!.mediaSessionId, publisherId);
  assert.equal(streams[0]!.videoCodec, 'VP8');
  assert.equal(streams[0]!.mediaProvider, 'WebRTC');
  assert.equal((await rest(app.httpUrl, '/rest-api/stream/find', { name: 'nope' })).status, 404);
  assert.equal((await rest(app.httpUrl, '/rest-api/stream/find', { published: 'yes' })).status, 400);

  // Only the publisher matches; its player ends with it.
  assert.deepEqual(await rest(app.httpUrl, '/rest-api/stream/terminate', { name: 'live', published: true }), { status: 200, body: { terminated: 1 } });
  assert.deepEqual(await statusOf(ws, publisherId), ['UNPUBLISHED', TERMINATED]);
  assert.deepEqual(await statusOf(ws, playId!), ['FAILED', TERMINATED]);
  assert.equal((await rest(app.httpUrl, '/rest-api/stream/terminate', {})).status, 404);
  assert.equal((await fetch(`${app.httpUrl}/rest-api/stream/find_all`)).status, 404);
});
