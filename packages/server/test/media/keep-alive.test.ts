// A publisher whose media path dies while its WebSocket stays up (peerTimeoutSeconds,
// docs/errors.md "Failed by ICE keep alive"): the server notices the silence, tells the publisher and
// its players, and frees the name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../support/app.ts';
import { candidatePorts } from '../support/bound-ports.ts';
import { CuttableLink } from '../support/cuttable-link.ts';
import { playOver, publishOver } from '../support/signaling.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { WsClient, newId, publishPayload } from '../support/ws-client.ts';

const PEER_TIMEOUT_SECONDS = 2;

test('a publisher whose media goes silent fails with "Failed by ICE keep alive", its players with "Stopped by publisher stop"; the name is free again', async (t) => {
  const app = await testApp({ peerTimeoutSeconds: PEER_TIMEOUT_SECONDS });
  const publisher = new TestPublisher();
  const player = new TestPlayer();
  const successor = new TestPublisher();
  const pubWs = await WsClient.establish(app.wsUrl);
  const playWs = await WsClient.establish(app.wsUrl);
  let link: CuttableLink | undefined;
  t.after(async () => {
    pubWs.close();
    playWs.close();
    link?.close();
    await Promise.all([publisher.close(), player.close(), successor.close()]);
    await app.stop();
  });
  const publishId = newId();
  pubWs.send('publishStream', publishPayload(publishId, 'fragile', await publisher.offer()));
  const answer = await pubWs.answer(publishId);
  link = await CuttableLink.open(candidatePorts(answer)[0]!);
  await publisher.accept(link.route(answer));
  assert.equal((await pubWs.status(publishId)).status, 'PUBLISHING');
  publisher.startSending(50);
  const playId = await playOver(playWs, player, 'fragile');
  await until(() => player.videoPackets > 25, 10_000, 'video at the player');

  link.cut();
  const cutAt = Date.now();
  const failed = await pubWs.status(publishId, PEER_TIMEOUT_SECONDS * 1000 + 10_000);
  const silentMs = Date.now() - cutAt;
  assert.deepEqual([failed.status, failed.info], ['FAILED', 'Failed by ICE keep alive']);
  assert.ok(silentMs >= PEER_TIMEOUT_SECONDS * 1000 - 100, `failed after ${silentMs} ms of silence, before the timeout`);
  const stopped = await playWs.status(playId, 5000);
  assert.deepEqual([stopped.status, stopped.info], ['FAILED', 'Stopped by publisher stop']);
  assert.equal(pubWs.closed, false, 'the signaling connection stays');
  assert.deepEqual(app.media.counts(), { publishers: 0, players: 0, streams: 0 });

  // The same connection publishes the name again.
  await publishOver(pubWs, successor, 'fragile');
});
