// The relay seam (MediaServer.relayOut at a stream's origin, relayIn where it is played): what
// workers and cluster nodes build their stream relays on. Two MediaServers in one process stand for
// the two ends; the transport between them is a direct call here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STREAM_STATUS_INFO } from '@traverse/protocol/constants';
import { MediaError } from '../../src/media/index.ts';
import { sessionRequest as request, testMediaServer } from '../support/media.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';

test('a stream relayed from one media server to another plays there; key-frame requests and NACKs go back; its end reaches the far players', async (t) => {
  const origin = testMediaServer();
  const edge = testMediaServer();
  const publisher = new TestPublisher();
  const player = new TestPlayer();
  t.after(async () => {
    edge.close();
    origin.close();
    await Promise.all([publisher.close(), player.close()]);
  });
  const publishStatuses: string[][] = [];
  await publisher.accept(await origin.publish(request('pub', 'relayed', await publisher.offer(), publishStatuses)));
  await until(() => publishStatuses.length > 0, 10_000, 'publisher status');
  publisher.startSending(100);

  assert.equal(origin.relayOut('no-such-stream', { send() {}, resend() {}, end() {} }), undefined);
  const resent: number[] = [];
  let endedWith: string | undefined;
  let inlet: ReturnType<typeof edge.relayIn>;
  const outlet = origin.relayOut('relayed', {
    send: (kind, rtp) => inlet.forward(kind, rtp),
    resend: (rtp) => resent.push(rtp.header.sequenceNumber),
    end: (info) => {
      endedWith = info;
      inlet.end(info);
    },
  });
  assert.ok(outlet);
  assert.equal(outlet.videoCodec?.mimeType.toLowerCase(), 'video/vp8');
  assert.equal(outlet.hasAudio, true);
  let keyFrameRequestsFromEdge = 0;
  inlet = edge.relayIn('relayed', {
    id: 'origin/pub', videoCodec: outlet.videoCodec, hasAudio: outlet.hasAudio,
    requestKeyFrame: () => {
      keyFrameRequestsFromEdge++;
      outlet.requestKeyFrame();
      return true;
    },
  });
  assert.throws(() => edge.relayIn('relayed', { id: 'x', videoCodec: undefined, hasAudio: true, requestKeyFrame: () => false }),
    (err: unknown) => err instanceof MediaError && err.info === STREAM_STATUS_INFO.STREAM_NAME_ALREADY_IN_USE);
  assert.equal(edge.hasStream('relayed'), true);
  assert.equal(edge.isPublished('relayed'), true);

  const playStatuses: string[][] = [];
  await player.accept(await edge.play(request('play', 'relayed', await player.offer(), playStatuses)));
  await until(() => player.videoPackets >= 20, 10_000, 'video at the edge player');
  assert.deepEqual(playStatuses[0], ['PLAYING', '']);
  assert.equal(edge.playerCount('relayed'), 1);
  // The edge asked for a key frame for its player, and the origin's publisher was asked in turn.
  assert.ok(keyFrameRequestsFromEdge >= 1, 'key-frame request relayed');
  await until(() => publisher.pliCount >= 1, 5_000, 'PLI at the publisher');

  const recent = player.videoSeqs.at(-1)!;
  outlet.nack([recent, recent - 1]);
  assert.deepEqual(resent.sort(), [recent - 1, recent].sort());

  assert.equal(origin.stop('pub', 'UNPUBLISHED', STREAM_STATUS_INFO.STOPPED_BY_USER), true);
  await until(() => playStatuses.length >= 2, 5_000, 'edge player end');
  assert.equal(endedWith, STREAM_STATUS_INFO.STOPPED_BY_PUBLISHER_STOP);
  assert.deepEqual(playStatuses[1], ['FAILED', STREAM_STATUS_INFO.STOPPED_BY_PUBLISHER_STOP]);
  assert.equal(edge.hasStream('relayed'), false);
});
