// Forwarding details a browser depends on: H.264 with per-player payload types, NACKs answered from
// the retransmission cache, and players' key-frame requests reaching the publisher, coalesced.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { MediaServer } from '../../src/media/index.ts';
import { RETRANSMISSION_CACHE_PACKETS } from '../../src/media/retransmission-cache.ts';
import { TEST_KEY_FRAME_INTERVAL_MS, sessionRequest as request, testMediaServer as server } from '../support/media.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';

async function publishAndPlay(media: MediaServer, publisher: TestPublisher, players: TestPlayer[]): Promise<string[]> {
  const pubStatus: string[][] = [];
  await publisher.accept(await media.publish(request('pub', 's', await publisher.offer(), pubStatus)));
  await until(() => pubStatus.length > 0, 10_000, 'publisher status');
  assert.deepEqual(pubStatus, [['PUBLISHING', '']]);
  publisher.startSending(50);
  const answers: string[] = [];
  for (const [i, p] of players.entries()) {
    const status: string[][] = [];
    const answer = await media.play(request(`play${i}`, 's', await p.offer(), status));
    await p.accept(answer);
    await until(() => status.length > 0, 10_000, 'player status');
    assert.deepEqual(status, [['PLAYING', '']]);
    answers.push(answer);
  }
  return answers;
}

type PlayerOptions = ConstructorParameters<typeof TestPlayer>[0];
type PublisherOptions = ConstructorParameters<typeof TestPublisher>[0];

/** A media server with one publisher sending and players playing; all of it closed after the test. */
async function liveStream<const P extends readonly PlayerOptions[]>(t: TestContext, players: P, publisher: PublisherOptions = {}) {
  const media = server();
  const pub = new TestPublisher(publisher);
  const playing = players.map((o) => new TestPlayer(o));
  t.after(async () => {
    media.close();
    await Promise.all([pub.close(), ...playing.map((p) => p.close())]);
  });
  const answers = await publishAndPlay(media, pub, playing);
  // One player per options entry, in order.
  return { media, publisher: pub, players: playing as { -readonly [K in keyof P]: TestPlayer }, answers };
}

test('H.264 is forwarded with each player\'s own payload type', async (t) => {
  const { media, players, answers } = await liveStream(t, [
    { video: [{ name: 'VP8', payloadType: 96 }, { name: 'H264', payloadType: 102 }] },
    { video: [{ name: 'H264', payloadType: 107 }] },
  ], { video: [{ name: 'H264', payloadType: 125 }] });
  assert.match(answers[0]!, /a=rtpmap:102 H264\/90000/);
  assert.doesNotMatch(answers[0]!, /VP8/, 'the player is offered only what the publisher sends');
  assert.match(answers[1]!, /a=rtpmap:107 H264\/90000/);
  assert.match(answers[1]!, /packetization-mode=1/);
  await until(() => players.every((p) => p.videoIndexes.length >= 30), 10_000, 'H.264 at both players');
  assert.deepEqual([...players[0]!.videoPayloadTypes], [102]);
  assert.deepEqual([...players[1]!.videoPayloadTypes], [107]);
  for (const p of players) {
    for (let i = 1; i < p.videoIndexes.length; i++) assert.equal(p.videoIndexes[i], p.videoIndexes[i - 1]! + 1, 'in order, none lost');
  }
  assert.deepEqual(media.find({}).map((s) => [s.kind, s.videoCodec]).sort(), [['play', 'H264'], ['play', 'H264'], ['publish', 'H264']]);
});

/** Waits until every packet the publisher sent has arrived at each player (loopback loses none). */
async function untilAllArrived(publisher: TestPublisher, players: TestPlayer[]): Promise<void> {
  await until(() => players.every((p) => p.videoIndexes.at(-1) === publisher.sent - 1), 5000, 'every packet sent at the players');
}

/**
 * Sends one more packet and waits for it: whatever the server sent a player before it (retransmissions
 * included) has arrived by then, so a count taken afterwards is final.
 */
async function flush(publisher: TestPublisher, players: TestPlayer[]): Promise<void> {
  publisher.sendOne(publisher.sent);
  await untilAllArrived(publisher, players);
}

test('a player\'s NACK is answered from the retransmission cache, to that player only', async (t) => {
  const { media, publisher, players: [player, other] } = await liveStream(t, [{}, {}]);
  await until(() => player.videoSeqs.length >= 40, 10_000, 'video at the player');
  publisher.stopSending();
  await untilAllArrived(publisher, [player, other]);
  const lostSeqs = player.videoSeqs.slice(-20, -15);
  const lostIndexes = player.videoIndexes.slice(-20, -15);
  const before = player.videoSeqs.length;
  const otherBefore = other.videoSeqs.length;
  await player.sendNack(lostSeqs);
  await until(() => player.videoSeqs.length >= before + lostSeqs.length, 5000, 'retransmissions');
  assert.deepEqual(player.videoSeqs.slice(before), lostSeqs, 'the same sequence numbers again');
  assert.deepEqual(player.videoIndexes.slice(before), lostIndexes, 'with the same payloads');
  assert.equal(media.stats.nacksReceived, 1);
  await flush(publisher, [player, other]);
  assert.equal(other.videoSeqs.length, otherBefore + 1, 'only the player that asked gets them');
  // Resent old packets do not move the sender report's RTP→wall-clock mapping backwards.
  const reports = player.videoSenderReports.length;
  await until(() => player.videoSenderReports.length > Math.max(reports, 1), 3000, 'a sender report after the retransmission (and one before it)');
  const [[, rtpBefore], [, rtpAfter]] = player.videoSenderReports.slice(-2) as [[number, number], [number, number]];
  assert.ok(((rtpAfter - rtpBefore) | 0) >= 0, `RTP time in reports went from ${rtpBefore} to ${rtpAfter}`);
});

test('a NACK for a packet pushed out of the cache by newer ones is not answered; one still cached is', async (t) => {
  const { media, publisher, players: [player] } = await liveStream(t, [{}]);
  await until(() => player.videoSeqs.length >= 10, 10_000, 'video at the player');
  publisher.stopSending();
  await untilAllArrived(publisher, [player]);
  const pushedOut = player.videoSeqs.at(-1)!; // sent, forwarded and received
  await publisher.sendBurst(RETRANSMISSION_CACHE_PACKETS);
  await untilAllArrived(publisher, [player]);
  const cached = player.videoSeqs.at(-1)!;
  assert.equal(cached, (pushedOut + RETRANSMISSION_CACHE_PACKETS) & 0xffff, 'the newest packet took the old one\'s place');
  const before = player.videoSeqs.length;
  const nacksBefore = media.stats.nacksReceived;
  await player.sendNack([pushedOut, cached]);
  await until(() => player.videoSeqs.length > before, 5000, 'the retransmission of the cached packet');
  await flush(publisher, [player]);
  assert.equal(media.stats.nacksReceived, nacksBefore + 1);
  assert.deepEqual(player.videoSeqs.slice(before), [cached, (cached + 1) & 0xffff], 'the cached packet again, then the new one; nothing invented');
});

test('players\' PLIs reach the publisher as coalesced key-frame requests', async (t) => {
  const { media, publisher, players } = await liveStream(t, [{}, {}]);
  await until(() => players.every((p) => p.videoPackets > 10), 10_000, 'video at the players');
  await new Promise((r) => setTimeout(r, TEST_KEY_FRAME_INTERVAL_MS * 2)); // past the joins' requests
  const plisBefore = publisher.pliCount;
  const requestsBefore = media.stats.keyFrameRequests;
  const started = Date.now();
  for (let i = 0; i < 5; i++) for (const p of players) await p.sendPli();
  const burstMs = Date.now() - started;
  await until(() => publisher.pliCount > plisBefore, 3000, 'PLI at the publisher');
  await new Promise((r) => setTimeout(r, TEST_KEY_FRAME_INTERVAL_MS * 2));
  const sent = media.stats.keyFrameRequests - requestsBefore;
  // One now, then at most one per interval the burst lasted (on a loaded machine it may span several).
  const allowed = 2 + Math.floor(burstMs / TEST_KEY_FRAME_INTERVAL_MS);
  assert.ok(sent >= 1 && sent <= Math.min(allowed, 9), `10 PLIs in ${burstMs} ms cost the publisher ${sent} key-frame requests`);
  await until(() => publisher.pliCount - plisBefore === sent, 3000, `${sent} PLIs at the publisher`);
});

test('a FIR asks the publisher for a key frame too, and players get sender reports', async (t) => {
  const { publisher, players: [player] } = await liveStream(t, [{}]);
  await until(() => player.videoPackets > 10, 10_000, 'video at the player');
  await new Promise((r) => setTimeout(r, TEST_KEY_FRAME_INTERVAL_MS * 2));
  const plisBefore = publisher.pliCount;
  await player.sendFir(1);
  await until(() => publisher.pliCount > plisBefore, 3000, 'key-frame request at the publisher after a FIR');

  // Sender reports map RTP time to wall-clock time (lip sync in the browser): the publisher's
  // 90 kHz RTP clock runs with real time, so both advance alike.
  await until(() => player.videoSenderReports.length >= 2, 5000, 'two sender reports');
  const [[ntp0, rtp0], [ntp1, rtp1]] = player.videoSenderReports.slice(-2) as [[number, number], [number, number]];
  assert.ok(Math.abs(ntp0 - Date.now()) < 5000, 'NTP time is wall-clock time');
  const rtpMs = ((rtp1 - rtp0) >>> 0) / 90;
  assert.ok(ntp1 > ntp0 && Math.abs(rtpMs - (ntp1 - ntp0)) < 100, `RTP ${rtpMs} ms vs NTP ${ntp1 - ntp0} ms`);
});

test('a player that NACKs without end gets a bounded number of retransmissions', async (t) => {
  const { media, publisher, players: [player] } = await liveStream(t, [{}]);
  await until(() => player.videoSeqs.length >= 120, 10_000, 'video at the player');
  publisher.stopSending();
  await untilAllArrived(publisher, [player]);
  const before = player.videoSeqs.length;
  const seqs = player.videoSeqs.slice(-100);
  const started = Date.now();
  for (let i = 0; i < 5; i++) await player.sendNack(seqs); // 500 packets asked for at once
  await until(() => media.stats.nacksReceived === 5, 5000, 'the NACKs at the server');
  await flush(publisher, [player]);
  const resent = player.videoSeqs.length - before - 1;
  const allowed = 200 + ((Date.now() - started) / 1000) * 200;
  assert.ok(resent >= 200 && resent <= allowed, `resent ${resent}, budget ${allowed.toFixed(0)}`);
});

test('on server shutdown players hear STOPPED with the reason, not "Stopped by publisher stop"', async (t) => {
  const media = server();
  const publisher = new TestPublisher();
  const player = new TestPlayer();
  t.after(async () => {
    media.close();
    await Promise.all([publisher.close(), player.close()]);
  });
  const pubStatus: string[][] = [];
  await publisher.accept(await media.publish(request('pub', 'bye', await publisher.offer(), pubStatus)));
  const playStatus: string[][] = [];
  await player.accept(await media.play(request('play', 'bye', await player.offer(), playStatus)));
  await until(() => pubStatus.length > 0 && playStatus.length > 0, 10_000, 'both live');
  media.close('Requested stream shutdown');
  assert.deepEqual(pubStatus.at(-1), ['UNPUBLISHED', 'Requested stream shutdown']);
  assert.deepEqual(playStatus.slice(1), [['STOPPED', 'Requested stream shutdown']]);
});
