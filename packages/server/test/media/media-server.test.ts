import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaError } from '../../src/media/index.ts';
import { sessionRequest as request, testMediaServer as server } from '../support/media.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';

test('a published stream reaches two players in order, and a join asks the publisher for a key frame', async (t) => {
  const media = server();
  const publisher = new TestPublisher();
  const players = [new TestPlayer(), new TestPlayer()];
  t.after(async () => {
    media.close();
    await Promise.all([publisher.close(), ...players.map((p) => p.close())]);
  });
  const pubStatus: string[][] = [];
  await publisher.accept(await media.publish(request('pub', 's1', await publisher.offer(), pubStatus)));
  await until(() => pubStatus.length > 0, 10_000, 'publisher status');
  assert.deepEqual(pubStatus, [['PUBLISHING', '']]);
  publisher.startSending(50);
  const playStatus: string[][][] = [[], []];
  for (const [i, p] of players.entries()) {
    const answer = await media.play(request(`play${i}`, 's1', await p.offer(), playStatus[i]!));
    assert.match(answer, /a=sendonly/);
    assert.match(answer, /a=msid:/);
    assert.match(answer, /a=setup:passive/);
    assert.match(answer, /a=ice-lite/);
    assert.match(answer, /a=candidate:.* 127\.0\.0\.1 \d+ typ host/);
    await p.accept(answer);
  }
  await until(() => playStatus.every((s) => s.length > 0), 10_000, 'player status');
  assert.deepEqual(playStatus, [[['PLAYING', '']], [['PLAYING', '']]]);
  await until(() => publisher.pliCount > 0, 5000, 'PLI at the publisher');
  await until(() => players.every((p) => p.videoIndexes.length >= 40 && p.audioPackets >= 5), 10_000, 'media at the players');
  for (const p of players) {
    for (let i = 1; i < p.videoIndexes.length; i++) assert.equal(p.videoIndexes[i], p.videoIndexes[i - 1]! + 1, 'in order, none lost');
    for (let i = 1; i < p.videoSeqs.length; i++) assert.equal(p.videoSeqs[i], (p.videoSeqs[i - 1]! + 1) & 0xffff);
  }
  assert.ok(media.stats.keyFrameRequests >= 1 && media.stats.keyFrameRequests <= 2, `coalesced: ${media.stats.keyFrameRequests}`);
  assert.ok(media.stats.rtpPacketsOut > 80);
  assert.deepEqual(media.counts(), { publishers: 1, players: 2, streams: 1 });

  // Publisher stops: each player gets FAILED "Stopped by publisher stop".
  assert.equal(media.stop('pub', 'UNPUBLISHED', 'Stopped by user'), true);
  assert.deepEqual(pubStatus.at(-1), ['UNPUBLISHED', 'Stopped by user']);
  for (const s of playStatus) assert.deepEqual(s.at(-1), ['FAILED', 'Stopped by publisher stop']);
  assert.deepEqual(media.counts(), { publishers: 0, players: 0, streams: 0 });
});

test('publish() refuses a name in use and a mediaSessionId in use; play() refuses an unknown name', async (t) => {
  const media = server();
  const a = new TestPublisher();
  const b = new TestPublisher();
  t.after(async () => {
    media.close();
    await Promise.all([a.close(), b.close()]);
  });
  await media.publish(request('pa', 'name', await a.offer(), []));
  await assert.rejects(media.publish(request('pb', 'name', await b.offer(), [])), (e: MediaError) => e.info === 'Stream name is already in use');
  await assert.rejects(media.publish(request('pa', 'other', await b.offer(), [])), (e: MediaError) => e.info === 'MediaSessionId is already in use');
  const player = new TestPlayer();
  t.after(() => player.close());
  await assert.rejects(media.play(request('x', 'nope', await player.offer(), [])), (e: MediaError) => e.info === 'Stream not found');
  await assert.rejects(media.publish(request('pc', 'empty', 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n', [])), (e: MediaError) => e.info === 'No common codecs: the offer has no audio or video section');
  await assert.rejects(media.publish(request('pd', 'junk', 'hello', [])), (e: MediaError) => e.info === 'Failed by error');
});

test('a publisher that never connects fails with "Failed by ICE timeout"', async (t) => {
  const media = server({ iceMs: 500, dtlsMs: 500 });
  const a = new TestPublisher();
  t.after(async () => {
    media.close();
    await a.close();
  });
  const statuses: string[][] = [];
  await media.publish(request('p', 'lonely', await a.offer(), statuses)); // the answer is never applied
  await until(() => statuses.length > 0, 5000, 'status');
  assert.deepEqual(statuses, [['FAILED', 'Failed by ICE timeout']]);
  assert.deepEqual(media.counts(), { publishers: 0, players: 0, streams: 0 });
});

test('ICE up but a DTLS handshake that cannot succeed fails with "Failed by DTLS error"', async (t) => {
  const media = server({ dtlsMs: 3000 });
  const a = new TestPublisher();
  t.after(async () => {
    media.close();
    await a.close();
  });
  // The offer names a certificate fingerprint the publisher does not have: the server must refuse its
  // DTLS handshake (a man in the middle looks like this).
  const offer = (await a.offer()).replace(/(a=fingerprint:sha-256 )([0-9A-F:]+)/i, (_m, p: string, fp: string) => p + fp.split(':').map(() => 'AB').join(':'));
  assert.match(offer, /a=fingerprint:sha-256 AB:AB:/);
  const statuses: string[][] = [];
  await a.accept(await media.publish(request('p', 'mitm', offer, statuses)));
  const deadline = Date.now() + 8000;
  while (statuses.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(statuses, [['FAILED', 'Failed by DTLS error']]);
  assert.deepEqual(media.counts(), { publishers: 0, players: 0, streams: 0 });
});
