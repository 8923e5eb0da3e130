// A joining player starts from the latest key frame when it is young (media/stream.ts startPlayer):
// it decodes at once instead of waiting a round trip to the publisher for a new one. An old key frame
// is not replayed (the player would start that far behind). The publisher is asked for a new one in
// both cases (a browser may drop what arrives before its side of DTLS is done).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionRequest as request, testMediaServer } from '../support/media.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';

const REPLAY_MS = 1500;

test('a player that connects while the latest key frame is young gets that key frame and everything since; later, it does not', async (t) => {
  // A wide window, so that a loaded machine's slow connect still falls in it; the default is 300 ms.
  const media = testMediaServer({}, REPLAY_MS);
  const publisher = new TestPublisher();
  const players: TestPlayer[] = [];
  t.after(async () => {
    media.close();
    await Promise.all([publisher.close(), ...players.map((p) => p.close())]);
  });
  const statuses: string[][] = [];
  await publisher.accept(await media.publish(request('pub', 'kf', await publisher.offer(), statuses)));
  await until(() => statuses.length > 0, 10_000, 'publisher status');
  publisher.startSending(100);
  // The publisher's own side of DTLS may finish after the server's (a loaded machine): until then its
  // packets never leave it. The key frame must really reach the server.
  await until(() => media.stats.rtpPacketsIn > 10, 10_000, 'the publisher\'s packets at the server');

  async function join(id: string): Promise<TestPlayer> {
    const player = new TestPlayer({ keepIndexes: true });
    players.push(player);
    const playStatuses: string[][] = [];
    await player.accept(await media.play(request(id, 'kf', await player.offer(), playStatuses)));
    await until(() => player.videoSeqs.length >= 20, 10_000, `${id} video`);
    assert.deepEqual(playStatuses[0], ['PLAYING', '']);
    return player;
  }

  // The key frame leaves before the player's offer: by the time it connects, the frame is history.
  const keyFrame = publisher.sendKeyFrame();
  const young = await join('young');
  assert.equal(young.videoSeqs[0], keyFrame, `first packet ${young.videoSeqs[0]}, key frame ${keyFrame}`);
  // Then everything since, in order, without a gap.
  for (let i = 1; i < 20; i++) assert.equal(young.videoSeqs[i], (keyFrame + i) & 0xffff, `packet ${i}: ${young.videoSeqs.slice(0, 20).join(',')}`);

  const old = publisher.sendKeyFrame();
  await new Promise((r) => setTimeout(r, REPLAY_MS + 200));
  const plisBefore = publisher.pliCount;
  const late = await join('late');
  assert.ok(late.videoSeqs[0] !== old && ((late.videoSeqs[0]! - old) & 0xffff) > 50, `an old key frame is not replayed: first ${late.videoSeqs[0]}, key frame ${old}`);
  await until(() => publisher.pliCount > plisBefore, 3000, 'the publisher asked for a key frame');
});
