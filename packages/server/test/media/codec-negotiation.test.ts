// Codec negotiation across browsers: payload types, fmtp parameters, feedback and bundle-only
// sections differ between Chromium and Firefox, and a section with no codec Traverse forwards is a
// FAILED with the codecs named, never a silent audio-only stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { choosePublisherVideo, h264, h264Decodes, matchPlayerVideo, vp8 } from '../../src/media/codecs.ts';
import { MediaError, MediaServer } from '../../src/media/index.ts';
import { narrowOffer, summarizeOffer } from '../../src/media/offer.ts';
import { sessionRequest as request } from '../support/media.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const firefoxPublish = fixture('firefox-153-publish-offer.sdp');
const firefoxPlay = fixture('firefox-153-play-offer.sdp');

function offer(...sections: string[]): string {
  return ['v=0', 'o=- 1 2 IN IP4 0.0.0.0', 's=-', 't=0 0', 'a=group:BUNDLE 0 1', ...sections, ''].join('\r\n');
}

function section(kind: 'audio' | 'video', codecs: [number, string, string?][], extra: string[] = [], port = 9): string {
  const lines = [`m=${kind} ${port} UDP/TLS/RTP/SAVPF ${codecs.map((c) => c[0]).join(' ')}`, 'c=IN IP4 0.0.0.0', 'a=sendonly', `a=mid:${kind === 'audio' ? 0 : 1}`,
    'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdef012345', `a=fingerprint:sha-256 ${Array(32).fill('AB').join(':')}`, 'a=setup:actpass', 'a=rtcp-mux', ...extra];
  for (const [pt, name, fmtp] of codecs) {
    lines.push(`a=rtpmap:${pt} ${name}/${kind === 'audio' ? '48000/2' : '90000'}`);
    if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
  }
  return lines.join('\r\n');
}

/** A MediaServer whose warn lines are kept. */
function serverWithLog(): { media: MediaServer; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  const media = new MediaServer({
    network: { mediaIps: ['127.0.0.1'], announcedIps: [], portRange: [0, 0] },
    timeouts: { iceMs: 8000, dtlsMs: 8000, gatheringMs: 5000 },
    keyFrameIntervalMs: 300,
    logger,
  });
  return { media, warnings };
}

test('summarizeOffer(): a bundle-only section with port 0 (Firefox with max-bundle) is live, with its codecs in order', () => {
  const summary = summarizeOffer(firefoxPublish)!;
  assert.equal(summary.video, true);
  assert.equal(summary.videoSections, 1);
  assert.deepEqual(summary.videoCodecs.map((c) => `${c.name}/${c.payloadType}`), ['VP8/120', 'RTX/124', 'VP9/121', 'RTX/125', 'AV1/99', 'RTX/100', 'ULPFEC/123', 'RED/122', 'RTX/119']);
  assert.equal(summary.videoCodecs[0]!.fmtp, 'max-fs=12288;max-fr=60');
  assert.deepEqual(summary.audioCodecs.map((c) => c.name), ['opus', 'g722', 'pcmu', 'pcma', 'telephone-event']);
  // A rejected section (port 0 without bundle-only) is still not live.
  assert.equal(summarizeOffer(offer(section('audio', [[111, 'opus']]), section('video', [[96, 'VP8']], [], 0)))!.video, false);
});

test('narrowOffer(): the chosen payload type only, bundle-only opened, no transport-cc, other sections untouched', () => {
  const narrowed = narrowOffer(firefoxPublish, { audio: 109, video: 120 });
  const lines = narrowed.split('\r\n');
  assert.ok(lines.includes('m=audio 49941 UDP/TLS/RTP/SAVPF 109'));
  assert.ok(lines.includes('m=video 9 UDP/TLS/RTP/SAVPF 120'));
  assert.ok(!lines.includes('a=bundle-only'));
  assert.deepEqual(lines.filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):/.test(l)), [
    'a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1', 'a=rtpmap:109 opus/48000/2',
    'a=fmtp:120 max-fs=12288;max-fr=60', 'a=rtcp-fb:120 nack', 'a=rtcp-fb:120 nack pli', 'a=rtcp-fb:120 ccm fir', 'a=rtcp-fb:120 goog-remb', 'a=rtpmap:120 VP8/90000',
  ]);
  // ICE, DTLS and the rest of each section stay as the browser wrote them.
  for (const l of firefoxPublish.split('\r\n').filter((l) => /^a=(ice-|fingerprint|setup|mid|msid|ssrc|candidate)/.test(l))) assert.ok(lines.includes(l), l);
  // Nothing chosen for a kind: that section is left for werift to reject.
  assert.match(narrowOffer(firefoxPublish, { audio: 109 }), /m=video 0 UDP\/TLS\/RTP\/SAVPF 120 124 121 125 99 100 123 122 119\r\n/);
});

test('choosePublisherVideo(): the offerer\'s first codec Traverse forwards; VP9, AV1 and H.264 packetization-mode 0 are skipped', () => {
  const codecs = (list: [number, string, string][]) => list.map(([payloadType, name, fmtp]) => ({ payloadType, name, fmtp }));
  assert.equal(choosePublisherVideo(codecs([[121, 'VP9', ''], [99, 'AV1', ''], [120, 'VP8', '']]))?.payloadType, 120);
  const h = choosePublisherVideo(codecs([[97, 'H264', 'packetization-mode=0;profile-level-id=42e01f'], [102, 'H264', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f']]));
  assert.equal(h?.payloadType, 102);
  assert.match(h!.codec.parameters!, /profile-level-id=42001f/);
  assert.equal(choosePublisherVideo(codecs([[99, 'AV1', ''], [121, 'VP9', '']])), undefined);
});

test('h264Decodes(): same profile, and the stream meets every constraint the decoder asks for; levels may differ', () => {
  assert.equal(h264Decodes('42001f', '42e01f'), true, 'a Baseline decoder takes Constrained Baseline');
  assert.equal(h264Decodes('42e01f', '42001f'), false, 'a Constrained Baseline decoder may not take Baseline');
  assert.equal(h264Decodes('42e01f', '42e034'), true, 'another level');
  assert.equal(h264Decodes('640c1f', '42e01f'), false, 'another profile');
  assert.equal(h264Decodes('64001f', '640c1f'), true);
  assert.equal(h264Decodes('zz', '42e01f'), false);
});

test('matchPlayerVideo(): by name whatever the payload type or fmtp; H.264 by decodable profile', () => {
  const firefoxVideo = summarizeOffer(firefoxPlay)!.videoCodecs;
  assert.equal(matchPlayerVideo(firefoxVideo, vp8())?.payloadType, 120, 'Chromium\'s VP8 (96) plays as Firefox\'s 120');
  assert.equal(matchPlayerVideo(firefoxVideo, h264('42e01f')), undefined, 'this Firefox has no H.264');
  const chromium = [
    { payloadType: 102, name: 'H264', fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f' },
    { payloadType: 127, name: 'H264', fmtp: 'level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f' },
    { payloadType: 125, name: 'H264', fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' },
    { payloadType: 123, name: 'H264', fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f' },
  ];
  assert.equal(matchPlayerVideo(chromium, h264('42e01f'))?.payloadType, 102);
  assert.equal(matchPlayerVideo(chromium, h264('42001f'))?.payloadType, 102);
  assert.equal(matchPlayerVideo(chromium, h264('640c1f'))?.payloadType, 123);
  assert.equal(matchPlayerVideo(chromium.slice(1, 2), h264('42e01f')), undefined, 'packetization-mode 0 cannot carry our stream');
});

test('a Firefox publish offer gets audio and video in one BUNDLE, VP8 at Firefox\'s payload type, without transport-cc', async (t) => {
  const { media } = serverWithLog();
  t.after(() => media.close());
  const answer = await media.publish(request('ff-pub', 'firefox', firefoxPublish));
  const lines = answer.split('\r\n');
  assert.ok(lines.includes('a=group:BUNDLE 0 1'), answer);
  assert.ok(lines.some((l) => /^m=video 9 UDP\/TLS\/RTP\/SAVPF 120$/.test(l)), answer);
  assert.ok(lines.includes('a=recvonly'));
  assert.ok(lines.includes('a=rtpmap:120 VP8/90000'));
  assert.ok(lines.includes('a=rtpmap:109 opus/48000/2'));
  assert.ok(!lines.some((l) => /transport-cc|a=inactive/.test(l)), answer);
  const info = media.find({ name: 'firefox' })[0]!;
  assert.equal(info.hasVideo, true);
  assert.equal(info.videoCodec, 'VP8');
});

test('a Firefox player of a VP8 stream gets VP8 at its own payload type; of an H.264 stream, FAILED naming both sides\' codecs and a warn line', async (t) => {
  const { media, warnings } = serverWithLog();
  t.after(() => media.close());
  await media.publish(request('vp8-pub', 'vp8', firefoxPublish));
  const answer = await media.play(request('ff-play', 'vp8', firefoxPlay));
  assert.ok(answer.split('\r\n').some((l) => /^m=video 9 UDP\/TLS\/RTP\/SAVPF 120$/.test(l)), answer);
  assert.match(answer, /a=group:BUNDLE 0 1/);

  const h264Only = offer(section('audio', [[111, 'opus']]), section('video', [[102, 'H264', 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f']]));
  await media.publish(request('h264-pub', 'h264', h264Only));
  await assert.rejects(media.play(request('ff-h264', 'h264', firefoxPlay)), (e: MediaError) => {
    assert.equal(e.info, 'No common codecs: the stream is H264 (42e01f) video and the player\'s offer has VP8, VP9, AV1');
    return true;
  });
  assert.deepEqual(warnings.map((w) => [w.level, w.msg, w.info]), [[40, 'no common codecs', 'No common codecs: the stream is H264 (42e01f) video and the player\'s offer has VP8, VP9, AV1']]);
});

test('an offer whose only video codec is not forwarded (AV1) is refused with the codecs named, even with Opus audio', async (t) => {
  const { media, warnings } = serverWithLog();
  t.after(() => media.close());
  const av1 = offer(section('audio', [[111, 'opus']]), section('video', [[45, 'AV1'], [46, 'rtx', 'apt=45']]));
  const statuses: string[][] = [];
  await assert.rejects(media.publish(request('av1', 'av1', av1, statuses)), (e: MediaError) => {
    assert.equal(e.info, 'No common codecs: the offer\'s video codecs (AV1) include none Traverse forwards (VP8, H264 (packetization-mode 1))');
    return true;
  });
  assert.equal(media.find({}).length, 0, 'no stream is listed');
  assert.equal(warnings.length, 1);
  // An offer without Opus is refused the same way, rather than published as video only.
  await assert.rejects(media.publish(request('pcmu', 'pcmu', offer(section('audio', [[0, 'PCMU']]), section('video', [[96, 'VP8']])))),
    (e: MediaError) => /^No common codecs: the offer's audio codecs \(pcmu\)/.test(e.info));
});

test('offers refused for codecs again and again are each refused, but logged in a few warn lines', async (t) => {
  const { media, warnings } = serverWithLog();
  t.after(() => media.close());
  const av1 = offer(section('audio', [[111, 'opus']]), section('video', [[45, 'AV1']]));
  for (let i = 0; i < 100; i++) await assert.rejects(media.publish(request(`av1-${i}`, `av1-${i}`, av1)), /AV1/);
  assert.ok(warnings.length >= 1 && warnings.length <= 12, `${warnings.length} warn lines for 100 refusals`);
});
