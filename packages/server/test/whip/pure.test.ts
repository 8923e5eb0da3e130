// The pure parts of WHIP/WHEP: Link header fields (RFC 9725 §4.6), bearer tokens, sdpfrag bodies,
// and the HTTP status of each media-layer refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, checkWhipToken } from '../../src/whip/bearer-token.ts';
import { refusalOf } from '../../src/whip/errors.ts';
import { iceServerLinks } from '../../src/whip/link-header.ts';
import { iceUfragOf, mediaType, parseSdpFragment } from '../../src/whip/sdp-fragment.ts';

test('iceServerLinks() gives one Link field per URL with username, credential and credential-type="password"; STUN without credentials', () => {
  const links = iceServerLinks({ urls: ['stun:h:3478', 'turn:h:3478?transport=udp', 'turns:h:5349?transport=tcp'], username: '1700000000:traverse', credential: 'a+b/c=' });
  assert.deepEqual(links, [
    '<stun:h:3478>; rel="ice-server"',
    '<turn:h:3478?transport=udp>; rel="ice-server"; username="1700000000:traverse"; credential="a+b/c="; credential-type="password"',
    '<turns:h:5349?transport=tcp>; rel="ice-server"; username="1700000000:traverse"; credential="a+b/c="; credential-type="password"',
  ]);
});

test('iceServerLinks() escapes quotes and backslashes inside the quoted strings', () => {
  assert.equal(iceServerLinks({ urls: ['turn:h'], username: 'a"b', credential: 'c\\d' })[0], '<turn:h>; rel="ice-server"; username="a\\"b"; credential="c\\\\d"; credential-type="password"');
});

test('bearerToken() reads Bearer credentials only, whatever characters the token has', () => {
  assert.equal(bearerToken('Bearer abc.DEF-1~+/='), 'abc.DEF-1~+/=');
  assert.equal(bearerToken('Bearer my secret!#'), 'my secret!#');
  assert.equal(bearerToken('bearer  xyz'), 'xyz');
  assert.equal(bearerToken('Basic dXNlcjpwYXNz'), undefined);
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

test('checkWhipToken(): open without tokens; the server-wide token for other names; a name with its own token accepts only that one', () => {
  assert.deepEqual(checkWhipToken({}, 's', undefined), { ok: true });
  const settings = { token: 'global-secret', tokens: { obs: 'obs-secret' } };
  assert.deepEqual(checkWhipToken(settings, 's', 'Bearer global-secret'), { ok: true });
  assert.deepEqual(checkWhipToken(settings, 's', undefined), { ok: false, presented: false });
  assert.deepEqual(checkWhipToken(settings, 's', 'Bearer wrong'), { ok: false, presented: true });
  assert.deepEqual(checkWhipToken(settings, 'obs', 'Bearer obs-secret'), { ok: true });
  assert.deepEqual(checkWhipToken(settings, 'obs', 'Bearer global-secret'), { ok: false, presented: true });
  assert.deepEqual(checkWhipToken({ tokens: { obs: 'obs-secret' } }, 'other', undefined), { ok: true });
  // Inherited object keys are no stream tokens.
  assert.deepEqual(checkWhipToken({ tokens: {} }, 'constructor', undefined), { ok: true });
});

test('parseSdpFragment() tells candidates, end-of-candidates and the ICE credentials apart', () => {
  const f = parseSdpFragment('a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1\r\na=end-of-candidates\r\n');
  assert.equal(f.iceUfrag, 'EsAw');
  assert.equal(f.icePwd, 'P2uYro0UCOQ4zxjKXaWCBui1');
  assert.equal(f.candidates.length, 1);
  assert.match(f.candidates[0]!, /^candidate:1387637174 1 udp/);
  assert.equal(f.endOfCandidates, true);
  assert.equal(iceUfragOf('v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:abcd\r\n'), 'abcd');
  assert.equal(mediaType('Application/SDP; charset=utf-8'), 'application/sdp');
  assert.equal(mediaType(undefined), '');
});

test('refusalOf(): name in use 409, unknown stream 404, codecs 400, no media port 503, anything else 500, each with its reason', () => {
  assert.equal(refusalOf('Stream name is already in use', 'x').status, 409);
  assert.equal(refusalOf('Stream not found', 'x').status, 404);
  assert.deepEqual(refusalOf('No common codecs: video offers AV1', 'video offers AV1'), { status: 400, reason: 'No common codecs: video offers AV1' });
  assert.equal(refusalOf('Failed by error: no free media port', 'none left').status, 503);
  assert.deepEqual(refusalOf('Failed by error', 'boom'), { status: 500, reason: 'Failed by error: boom' });
});
