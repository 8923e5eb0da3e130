// A WHIP publisher whose network dies without a DELETE (an encoder unplugged): the server notices the
// silence (peerTimeoutSeconds: no media, RTCP or ICE consent checks), ends the stream, tells its
// Flashphoner player what the SDK hears today, releases every WHIP/WHEP session of it, and frees the name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../support/app.ts';
import { candidatePorts } from '../support/bound-ports.ts';
import { CuttableLink } from '../support/cuttable-link.ts';
import { playOver } from '../support/signaling.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { WsClient } from '../support/ws-client.ts';
import { call, post, whepPlay, whipPublish, WHIP_TURN_RELAY_PORTS } from '../support/whip.ts';

const PEER_TIMEOUT_SECONDS = 2;

test('a silent WHIP publisher ends: its Flashphoner player gets FAILED "Stopped by publisher stop", its WHIP and WHEP sessions are released, the name publishes again', async (t) => {
  const app = await testApp({ peerTimeoutSeconds: PEER_TIMEOUT_SECONDS, turn: WHIP_TURN_RELAY_PORTS });
  const publisher = new TestPublisher();
  const sdkPlayer = new TestPlayer();
  const ws = await WsClient.establish(app.wsUrl);
  let link: CuttableLink | undefined;
  const closers: (() => Promise<void>)[] = [];
  t.after(async () => {
    ws.close();
    link?.close();
    for (const close of closers) await close();
    await Promise.all([publisher.close(), sdkPlayer.close()]);
    await app.stop();
  });

  const created = await post(`${app.httpUrl}/whip/unplugged`, await publisher.offer());
  assert.equal(created.status, 201, created.body);
  link = await CuttableLink.open(candidatePorts(created.body)[0]!);
  await publisher.accept(link.route(created.body));
  await until(() => app.media.find({ name: 'unplugged' })[0]?.status === 'PUBLISHING', 10_000, 'the WHIP stream PUBLISHING');
  publisher.startSending(50);
  const whep = await whepPlay(app.httpUrl, 'unplugged');
  closers.push(() => whep.player.close());
  const sdkPlayId = await playOver(ws, sdkPlayer, 'unplugged');
  await until(() => whep.player.videoPackets > 20 && sdkPlayer.videoPackets > 20, 10_000, 'video at both players');

  link.cut();
  const stopped = await ws.status(sdkPlayId, PEER_TIMEOUT_SECONDS * 1000 + 10_000);
  assert.deepEqual([stopped.status, stopped.info], ['FAILED', 'Stopped by publisher stop']);
  assert.deepEqual(app.media.counts(), { publishers: 0, players: 0, streams: 0 });
  assert.equal((await call(created.location!, 'DELETE')).status, 404, 'the WHIP session was released');
  assert.equal((await call(whep.location, 'DELETE')).status, 404, 'the WHEP session was released');

  const again = await whipPublish(app.httpUrl, 'unplugged');
  closers.push(() => again.publisher.close());
  assert.equal((await call(again.location, 'DELETE')).status, 200);
});
