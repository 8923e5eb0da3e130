// Signaling input a well-behaved page never sends: a publish before the `connection` handshake, a
// stop for another connection's stream, binary frames. Each is answered, and changes nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../support/app.ts';
import { playOver, publishOver, rest } from '../support/signaling.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { WsClient, newId, publishPayload } from '../support/ws-client.ts';

/** Sends sendData and waits for its answer: every frame the server sent before it has arrived. */
async function roundTrip(ws: WsClient, operationId: string): Promise<void> {
  ws.send('sendData', { operationId, payload: null });
  await ws.next((f) => f.message === 'DataStatusEvent' && (f.data[0] as { operationId: string }).operationId === operationId);
}

test('a publish before the connection handshake gets FAILED "Session not ready" and starts nothing', async (t) => {
  const app = await testApp();
  const publisher = new TestPublisher();
  const ws = await WsClient.connect(app.wsUrl);
  t.after(async () => {
    ws.close();
    await publisher.close();
    await app.stop();
  });
  const early = newId();
  ws.send('publishStream', publishPayload(early, 'early', await publisher.offer()));
  const status = await ws.status(early);
  assert.deepEqual([status.status, status.info], ['FAILED', 'Session not ready']);
  await roundTrip(ws, 'after-the-refusal');
  assert.deepEqual(ws.frames.filter((f) => f.message === 'setRemoteSDP'), [], 'no answer for it');
  assert.deepEqual(app.media.counts(), { publishers: 0, players: 0, streams: 0 });

  // After the handshake the same connection publishes the same offer's peer under the same name.
  ws.send('connection', { appKey: 'defaultApp', mediaProviders: ['WebRTC'] });
  await ws.next((f) => f.message === 'getUserData');
  await publishOver(ws, publisher, 'early');
});

test('a connection cannot stop another connection\'s publisher or player; the owner hears nothing and media flows on', async (t) => {
  const app = await testApp();
  const publisher = new TestPublisher();
  const player = new TestPlayer();
  const owner = await WsClient.establish(app.wsUrl);
  const stranger = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    owner.close();
    stranger.close();
    await Promise.all([publisher.close(), player.close()]);
    await app.stop();
  });
  const publishId = await publishOver(owner, publisher, 'owned');
  publisher.startSending(50);
  const playId = await playOver(owner, player, 'owned');
  await until(() => player.videoPackets > 10, 10_000, 'video at the player');

  stranger.send('unPublishStream', { mediaSessionId: publishId, name: 'owned', published: true, status: 'PUBLISHING' });
  stranger.send('stopStream', { mediaSessionId: playId, name: 'owned', published: false, status: 'PLAYING' });
  // The stranger's page is told its own stop is done (it has nothing live under those ids)...
  assert.equal((await stranger.status(publishId)).status, 'UNPUBLISHED');
  assert.equal((await stranger.status(playId)).status, 'STOPPED');
  // ...and the owner, whose frames the refused stops would have come before, hears nothing of it.
  await roundTrip(owner, 'owner-still-here');
  assert.deepEqual(owner.frames.filter((f) => f.message === 'notifyStreamStatusEvent'), []);
  const packets = player.videoPackets;
  await until(() => player.videoPackets >= packets + 50, 10_000, 'video still at the player');
  const live = (await rest(app.httpUrl, '/rest-api/stream/find_all', {})).body as { mediaSessionId: string; status: string }[];
  assert.deepEqual(live.map((s) => [s.mediaSessionId, s.status]).sort(), [[publishId, 'PUBLISHING'], [playId, 'PLAYING']].sort());
});

test('a binary frame gets a fail answer, is counted as invalid and not acted on; the connection carries on', async (t) => {
  const app = await testApp();
  const ws = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    await app.stop();
  });
  // A valid message, but in a binary frame.
  ws.ws.send(Buffer.from(JSON.stringify({ message: 'sendData', data: [{ operationId: 'binary', payload: null }] })), { binary: true });
  const fail = await ws.next((f) => f.message === 'fail');
  assert.match((fail.data[0] as { info: string }).info, /^binary frames are not part of the protocol/);
  await roundTrip(ws, 'text');
  assert.deepEqual(ws.frames.filter((f) => f.message === 'DataStatusEvent'), [], 'the binary frame\'s sendData was not answered');
  const metrics = await (await fetch(`${app.httpUrl}/metrics`)).text();
  assert.match(metrics, /^traverse_signaling_invalid_total\{reason="binary"\} 1$/m);
  assert.match(metrics, /^traverse_signaling_invalid_total\{reason="not_json"\} 0$/m);
  assert.equal(ws.closed, false);
});
