// The WCS protocol end to end in Node: werift peers publish and play through the real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../support/app.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { publishOver } from '../support/signaling.ts';
import { WsClient, newId, playPayload, publishPayload } from '../support/ws-client.ts';

test('connection → getUserData echoes the client fields and names the session', async (t) => {
  const app = await testApp();
  t.after(() => app.stop());
  const c = await WsClient.connect(app.wsUrl);
  t.after(() => c.close());
  c.send('connection', { appKey: 'defaultApp', mediaProviders: ['WebRTC'], clientVersion: '2.0', custom: { token: 'abc' } });
  const f = await c.next((x) => x.message === 'getUserData');
  const data = f.data[0] as Record<string, unknown>;
  assert.equal(data.appKey, 'defaultApp');
  assert.deepEqual(data.custom, { token: 'abc' });
  assert.equal(typeof data.sessionId, 'string');
  assert.ok(Array.isArray(f.data));
});

/** Pings every 250 ms: a dead client is cut off after the next one, within half a second. */
const FAST_PINGS = { pingIntervalSeconds: 0.25 };

test('a client that answers no ping is disconnected at the next ping', async (t) => {
  const app = await testApp(FAST_PINGS);
  t.after(() => app.stop());
  const silent = await WsClient.connect(app.wsUrl, { answerPings: false });
  t.after(() => silent.close());
  let code: number | undefined;
  silent.ws.once('close', (c) => (code = c));
  await silent.next((x) => x.message === 'ping', 5000);
  await until(() => silent.closed, 5000, 'the silent client cut off');
  assert.equal(code, 1006, 'cut off (terminated), not closed with a handshake');
});

test('a client that answers pings, with pong messages or pong frames, stays connected', async (t) => {
  const app = await testApp(FAST_PINGS);
  t.after(() => app.stop());
  const clients = [await WsClient.connect(app.wsUrl, { answerPings: 'message' }), await WsClient.connect(app.wsUrl, { answerPings: 'frame' })];
  t.after(() => clients.forEach((c) => c.close()));
  // A client that missed one ping is gone at the next: eight pings later, both answered every one.
  for (let i = 0; i < 8; i++) for (const c of clients) await c.next((x) => x.message === 'ping', 5000);
  for (const [i, c] of clients.entries()) {
    c.send('sendData', { operationId: `alive-${i}`, payload: null });
    assert.deepEqual((await c.next((f) => f.message === 'DataStatusEvent')).data[0], { operationId: `alive-${i}`, status: 'ACCEPTED' });
  }
});

test('publish → two players → stop play → publisher drop, over the WebSocket protocol', async (t) => {
  const app = await testApp();
  const publisher = new TestPublisher();
  const players = [new TestPlayer(), new TestPlayer()];
  const pubWs = await WsClient.establish(app.wsUrl);
  const playWs = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    pubWs.close();
    playWs.close();
    await Promise.all([publisher.close(), ...players.map((p) => p.close())]);
    await app.stop();
  });
  const pubId = newId();
  pubWs.send('publishStream', publishPayload(pubId, 'cam', await publisher.offer()));
  await publisher.accept(await pubWs.answer(pubId));
  const publishing = await pubWs.status(pubId);
  assert.equal(publishing.status, 'PUBLISHING');
  assert.equal(publishing.published, true);
  publisher.startSending(50);

  const ids = [newId(), newId()];
  for (const [i, p] of players.entries()) {
    playWs.send('playStream', playPayload(ids[i]!, 'cam', await p.offer()));
    await p.accept(await playWs.answer(ids[i]!));
  }
  for (const id of ids) assert.equal((await playWs.status(id)).status, 'PLAYING');
  await until(() => publisher.pliCount > 0, 5000, 'key-frame request at the publisher');
  await until(() => players.every((p) => p.videoIndexes.length > 30), 10_000, 'video at both players');
  for (const p of players) for (let i = 1; i < p.videoIndexes.length; i++) assert.equal(p.videoIndexes[i], p.videoIndexes[i - 1]! + 1);

  // REST sees the three sessions.
  const all = (await (await fetch(`${app.httpUrl}/rest-api/stream/find_all`)).json()) as { mediaType: string; name: string; sdp: string }[];
  assert.deepEqual(all.map((s) => s.mediaType).sort(), ['play', 'play', 'publish']);
  // The SDP is shown without the ICE password, which would let anyone take over the session's media.
  for (const s of all) {
    assert.match(s.sdp, /a=ice-ufrag:/);
    const passwords = s.sdp.match(/a=ice-pwd:.*/g)?.map((l) => l.trim()) ?? [];
    assert.ok(passwords.length > 0 && passwords.every((l) => l === 'a=ice-pwd:hidden'), passwords.join(', '));
  }

  playWs.send('stopStream', { mediaSessionId: ids[0], name: 'cam', published: false, status: 'PLAYING' });
  assert.deepEqual(await playWs.status(ids[0]!).then((s) => [s.status, s.info]), ['STOPPED', 'Stopped by user']);

  // The publisher's socket drops: the remaining player fails within 2 s.
  const dropped = Date.now();
  pubWs.ws.terminate();
  const failed = await playWs.status(ids[1]!, 2000);
  assert.deepEqual([failed.status, failed.info], ['FAILED', 'Stopped by publisher stop']);
  assert.ok(Date.now() - dropped < 2000);
  await until(() => app.media.counts().streams === 0, 2000, 'cleanup');
  assert.deepEqual(app.media.counts(), { publishers: 0, players: 0, streams: 0 });
});

test('duplicate name, unknown name, duplicate mediaSessionId and unpublish give WCS statuses', async (t) => {
  const app = await testApp();
  const a = new TestPublisher();
  const b = new TestPublisher();
  const p = new TestPlayer();
  const ws = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    await Promise.all([a.close(), b.close(), p.close()]);
    await app.stop();
  });
  const id = newId();
  ws.send('publishStream', publishPayload(id, 'dup', await a.offer()));
  await a.accept(await ws.answer(id));
  assert.equal((await ws.status(id)).status, 'PUBLISHING');
  const second = newId();
  ws.send('publishStream', publishPayload(second, 'dup', await b.offer()));
  assert.deepEqual(await ws.status(second).then((s) => [s.status, s.info]), ['FAILED', 'Stream name is already in use']);
  ws.send('publishStream', publishPayload(id, 'other', await b.offer()));
  assert.deepEqual(await ws.status(id).then((s) => [s.status, s.info]), ['FAILED', 'MediaSessionId is already in use']);
  const play = newId();
  ws.send('playStream', playPayload(play, 'nobody', await p.offer()));
  assert.deepEqual(await ws.status(play).then((s) => [s.status, s.info]), ['FAILED', 'Stream not found']);
  ws.send('availableStream', { mediaSessionId: 'q', name: 'dup' });
  assert.equal(((await ws.next((f) => f.message === 'availableStream')).data[0] as { status: string }).status, 'true');
  ws.send('unPublishStream', { mediaSessionId: id, name: 'dup', published: true, status: 'PUBLISHING' });
  assert.deepEqual(await ws.status(id).then((s) => [s.status, s.info]), ['UNPUBLISHED', 'Stopped by user']);
  ws.send('availableStream', { mediaSessionId: 'q', name: 'dup' });
  assert.equal(((await ws.next((f) => f.message === 'availableStream')).data[0] as { status: string }).status, 'false');
});

test('malformed frames get a clear answer and the connection and others carry on', async (t) => {
  const app = await testApp();
  const mine = new TestPublisher();
  const theirs = new TestPublisher();
  const ws = await WsClient.establish(app.wsUrl);
  const other = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    other.close();
    await Promise.all([mine.close(), theirs.close()]);
    await app.stop();
  });
  await publishOver(ws, mine, 'mine');
  await publishOver(other, theirs, 'theirs');
  ws.raw('{"message": ');
  assert.match(((await ws.next((f) => f.message === 'fail')).data[0] as { info: string }).info, /malformed JSON/);
  ws.raw('[1,2,3]');
  assert.match(((await ws.next((f) => f.message === 'fail')).data[0] as { info: string }).info, /bad envelope/);
  ws.send('publishStream', { mediaSessionId: 'm1', name: 'x' });
  const failed = await ws.status('m1');
  assert.equal(failed.status, 'FAILED');
  assert.match(failed.info, /sdp/);
  ws.send('pushLogs', { logs: 'ignored' });
  ws.send('sendData', { operationId: 'op1', payload: { a: 1 } });
  assert.deepEqual((await ws.next((f) => f.message === 'DataStatusEvent')).data[0], { operationId: 'op1', status: 'ACCEPTED' });
  // Bad frames end nothing, and the bad publish started nothing.
  assert.deepEqual(app.media.counts(), { publishers: 2, players: 0, streams: 2 });
  ws.raw('x'.repeat(300 * 1024)); // over the frame limit: this socket is closed by ws
  await until(() => ws.closed, 5000, 'oversized frame closes the socket');
  // The closed connection's stream ends with it; the other connection's stream goes on.
  await until(() => !app.media.isPublished('mine'), 3000, 'the closed connection\'s stream ended');
  assert.deepEqual(app.media.counts(), { publishers: 1, players: 0, streams: 1 });
  assert.ok(app.media.isPublished('theirs'));
  other.send('sendData', { operationId: 'op2', payload: null });
  assert.deepEqual((await other.next((f) => f.message === 'DataStatusEvent')).data[0], { operationId: 'op2', status: 'ACCEPTED' });
});

test('closing a socket frees every stream of that connection', async (t) => {
  const app = await testApp();
  const pub = new TestPublisher();
  t.after(async () => {
    await pub.close();
    await app.stop();
  });
  const ws = await WsClient.establish(app.wsUrl);
  const id = newId();
  ws.send('publishStream', publishPayload(id, 'gone', await pub.offer()));
  await pub.accept(await ws.answer(id));
  await ws.status(id);
  assert.deepEqual(app.media.counts(), { publishers: 1, players: 0, streams: 1 });
  ws.close();
  await until(() => app.media.counts().streams === 0, 3000, 'stream freed');
});
