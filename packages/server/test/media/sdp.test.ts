// Pure pieces of the media layer that shape what the server answers: the announced-IP rewrite of
// answers (servers behind NAT) and the offer shapes it accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announce } from '../../src/media/peer-factory.ts';

const answer = [
  'v=0', 'o=- 1 2 IN IP4 10.0.0.5', 's=-', 't=0 0', 'a=ice-lite',
  'm=video 40000 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 10.0.0.5',
  'a=candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host',
  'a=candidate:2 1 udp 2130706175 10.0.1.5 40002 typ host',
  'a=end-of-candidates', '',
].join('\r\n');

test('host candidates and the connection line carry the announced address, one per media IP', () => {
  const out = announce(answer, { mediaIps: ['10.0.0.5', '10.0.1.5'], announcedIps: ['203.0.113.7', '198.51.100.9'], portRange: [0, 0] });
  assert.match(out, /a=candidate:1 1 udp 2130706431 203\.0\.113\.7 40000 typ host/);
  assert.match(out, /a=candidate:2 1 udp 2130706175 198\.51\.100\.9 40002 typ host/);
  assert.match(out, /c=IN IP4 203\.0\.113\.7/);
  assert.doesNotMatch(out.split('\r\n').filter((l) => l.startsWith('a=candidate') || l.startsWith('c=')).join('\n'), /10\.0\./);
});

test('one announced address serves every media IP; none leaves the answer untouched', () => {
  const out = announce(answer, { mediaIps: ['10.0.0.5', '10.0.1.5'], announcedIps: ['203.0.113.7'], portRange: [0, 0] });
  assert.equal(out.match(/203\.0\.113\.7/g)?.length, 3);
  assert.equal(announce(answer, { mediaIps: ['10.0.0.5'], announcedIps: [], portRange: [0, 0] }), answer);
});

test('offerShapeProblem(): one audio and one video section (plus a data channel), no more', async () => {
  const { offerShapeProblem, summarizeOffer } = await import('../../src/media/offer.ts');
  const section = (kind: string, port = 9) => `m=${kind} ${port} UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 ${kind === 'audio' ? 'opus/48000/2' : 'VP8/90000'}`;
  const offer = (...sections: string[]) => summarizeOffer(['v=0', 'o=- 1 2 IN IP4 0.0.0.0', 's=-', 't=0 0', ...sections, ''].join('\r\n'))!;
  assert.equal(offerShapeProblem(offer(section('audio'), section('video'))), undefined);
  assert.equal(offerShapeProblem(offer(section('audio'), section('video'), 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel')), undefined);
  assert.match(offerShapeProblem(offer(section('audio'), section('audio')))!, /more than one audio or video/);
  assert.match(offerShapeProblem(offer(section('audio'), section('video'), section('video', 0), section('audio', 0)))!, /4 media sections; at most 3/);
});
