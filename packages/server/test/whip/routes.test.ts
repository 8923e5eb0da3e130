// WHIP and WHEP against the whole server in-process, with werift peers: the RFC 9725 answers (201,
// Location, ETag, Link ice-server, CORS), every refusal a client can act on, and the sessions' ends
// (DELETE, REST terminate, a publisher's end releasing its WHEP players).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../support/app.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { call, post, whepPlay, whipPublish, WHIP_TURN_RELAY_PORTS } from '../support/whip.ts';

type App = Awaited<ReturnType<typeof testApp>>;

describe('WHIP and WHEP endpoints', () => {
  let app: App;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    app = await testApp({ whipTokens: { guarded: 'guarded-secret' }, turn: WHIP_TURN_RELAY_PORTS });
  });
  /** An offer from a peer closed after the tests (an open werift peer keeps the process alive). */
  const offerOf = (peer: TestPublisher | TestPlayer) => {
    closers.push(() => peer.close());
    return peer.offer();
  };
  after(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await app.stop();
  });

  test('POST an offer: 201 with the SDP answer, a Location, an ETag, Link ice-server fields with fresh TURN credentials, and CORS exposing them', async () => {
    const publisher = new TestPublisher();
    closers.push(() => publisher.close());
    const res = await post(`${app.httpUrl}/whip/headers`, await publisher.offer(), { 'content-type': 'application/sdp', origin: 'http://elsewhere.example' });
    assert.equal(res.status, 201, res.body);
    assert.match(res.headers.get('content-type') ?? '', /^application\/sdp/);
    assert.match(res.body, /^v=0\r\n/);
    assert.match(res.body, /a=candidate:/, 'a full answer, candidates included');
    assert.match(res.body, /a=ice-lite/);
    assert.match(res.location ?? '', new RegExp(`^${app.httpUrl}/whip/headers/[0-9a-f]{32}$`));
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]+"$/);
    assert.equal(res.headers.get('accept-patch'), 'application/trickle-ice-sdpfrag');
    const links = (res.headers.get('link') ?? '').split(/,\s*(?=<)/);
    const turn = app.ports.turn!;
    assert.deepEqual(links.map((l) => /^<([^>]+)>/.exec(l)?.[1]), [
      `turn:127.0.0.1:${turn.udp}?transport=udp`, `turn:127.0.0.1:${turn.tcp}?transport=tcp`, `turns:127.0.0.1:${turn.tls}?transport=tcp`]);
    for (const l of links) assert.match(l, /; rel="ice-server"; username="\d+:traverse"; credential="[^"]+"; credential-type="password"$/);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(/,\s*/);
    for (const h of ['location', 'link', 'etag', 'accept-patch']) assert.ok(exposed.includes(h), `${h} exposed`);
    await publisher.accept(res.body);
    await until(() => app.media.find({ name: 'headers' }).some((s) => s.status === 'PUBLISHING'), 10_000, 'the WHIP stream PUBLISHING');
    assert.equal((await call(res.location!, 'DELETE')).status, 200);
  });

  test('a WHIP stream is an ordinary stream: REST lists it, a WHEP player and a second WHEP player receive its video; DELETE ends it and releases the players', async () => {
    const { publisher, location } = await whipPublish(app.httpUrl, 'ordinary');
    closers.push(() => publisher.close());
    publisher.startSending(50);
    const a = await whepPlay(app.httpUrl, 'ordinary');
    const b = await whepPlay(app.httpUrl, 'ordinary');
    closers.push(() => a.player.close(), () => b.player.close());
    await until(() => a.player.videoPackets > 20 && b.player.videoPackets > 20 && a.player.audioPackets > 3, 15_000, 'video at both WHEP players');
    const listed = JSON.parse((await call(`${app.httpUrl}/rest-api/stream/find_all`, 'POST')).body) as { name: string; published: boolean }[];
    assert.deepEqual(listed.filter((s) => s.name === 'ordinary').map((s) => s.published).sort(), [false, false, true]);

    assert.equal((await call(location, 'DELETE')).status, 200);
    await until(() => app.media.find({ name: 'ordinary' }).length === 0, 5_000, 'every session of the stream ended');
    assert.equal((await call(a.location, 'DELETE')).status, 404, 'the WHEP session was released with its stream');
    assert.equal((await call(location, 'DELETE')).status, 404, 'a deleted session is gone');
    // The name is free again.
    const again = await whipPublish(app.httpUrl, 'ordinary');
    closers.push(() => again.publisher.close());
    assert.equal((await call(again.location, 'DELETE')).status, 200);
  });

  test('DELETE on a WHEP session ends that player only; REST terminate of a WHIP stream releases its session', async () => {
    const { publisher, location } = await whipPublish(app.httpUrl, 'terminated');
    closers.push(() => publisher.close());
    publisher.startSending(50);
    const a = await whepPlay(app.httpUrl, 'terminated');
    const b = await whepPlay(app.httpUrl, 'terminated');
    closers.push(() => a.player.close(), () => b.player.close());
    await until(() => a.player.videoPackets > 10 && b.player.videoPackets > 10, 15_000, 'video at both players');
    assert.equal((await call(a.location, 'DELETE')).status, 200);
    await until(() => app.media.find({ name: 'terminated', published: false }).length === 1, 5_000, 'one player left');
    const target = b.player.videoPackets + 20;
    await until(() => b.player.videoPackets > target, 10_000, 'the other player still receiving');

    const res = await call(`${app.httpUrl}/rest-api/stream/terminate`, 'POST', JSON.stringify({ name: 'terminated', published: true }), { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    await until(() => app.media.find({ name: 'terminated' }).length === 0, 5_000, 'the stream and its player ended');
    assert.equal((await call(location, 'DELETE')).status, 404);
    assert.equal((await call(b.location, 'DELETE')).status, 404);
  });

  test('refusals a client can act on: 415 wrong type, 400 not an SDP, 409 name in use, 404 unknown WHEP stream, 405 other methods', async () => {
    const { publisher, location } = await whipPublish(app.httpUrl, 'busy');
    closers.push(() => publisher.close());
    const offer = await offerOf(new TestPublisher());

    const wrongType = await post(`${app.httpUrl}/whip/x`, offer, { 'content-type': 'application/json' });
    assert.equal(wrongType.status, 415);
    assert.match(wrongType.body, /application\/sdp/);
    assert.equal(wrongType.headers.get('accept-post'), 'application/sdp');
    assert.equal((await post(`${app.httpUrl}/whip/x`, offer, {})).status, 415, 'no Content-Type');
    const garbage = await post(`${app.httpUrl}/whip/x`, 'hello');
    assert.equal(garbage.status, 400);
    assert.match(garbage.body, /not an SDP offer/);
    const noMedia = await post(`${app.httpUrl}/whip/x`, 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n');
    assert.equal(noMedia.status, 400);
    assert.match(noMedia.body, /No common codecs/);
    const busy = await post(`${app.httpUrl}/whip/busy`, offer);
    assert.equal(busy.status, 409);
    assert.match(busy.body, /already in use/);
    const unknown = await post(`${app.httpUrl}/whep/nobody`, await offerOf(new TestPlayer()));
    assert.equal(unknown.status, 404);
    assert.match(unknown.body, /Stream not found/);
    assert.equal(app.media.find({}).filter((s) => s.name !== 'busy').length, 0, 'no session left behind by a refusal');

    const get = await call(`${app.httpUrl}/whip/busy`, 'GET');
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'OPTIONS, POST');
    const getSession = await call(location, 'GET');
    assert.equal(getSession.status, 405);
    assert.equal(getSession.headers.get('allow'), 'OPTIONS, PATCH, DELETE');
    assert.equal((await call(`${app.httpUrl}/whip/busy/${'0'.repeat(32)}`, 'DELETE')).status, 404);
    assert.equal((await call(location.replace('/whip/', '/whep/'), 'DELETE')).status, 404, 'a WHIP session is no WHEP session');
    await publisher.close();
    assert.equal((await call(location, 'DELETE')).status, 200);
  });

  test('bearer tokens: 401 with WWW-Authenticate: Bearer without one or with a wrong one; the stream\'s own token publishes', async () => {
    const offer = await offerOf(new TestPublisher());
    const missing = await post(`${app.httpUrl}/whip/guarded`, offer);
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer /);
    const wrong = await post(`${app.httpUrl}/whip/guarded`, offer, { 'content-type': 'application/sdp', authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal(app.media.find({ name: 'guarded' }).length, 0);
    const { publisher, location } = await whipPublish(app.httpUrl, 'guarded', 'guarded-secret');
    closers.push(() => publisher.close());
    assert.equal((await call(location, 'DELETE')).status, 200);
  });

  test('PATCH: trickled candidates 204; an ICE restart 422 (unsupported); a stale If-Match 412; another type 415', async () => {
    const { publisher, location, etag } = await whipPublish(app.httpUrl, 'patched');
    closers.push(() => publisher.close());
    const ufrag = /a=ice-ufrag:(\S+)/.exec(publisher.pc.localDescription!.sdp)?.[1];
    assert.ok(ufrag && etag);
    const fragType = { 'content-type': 'application/trickle-ice-sdpfrag' };
    const trickle = `a=ice-ufrag:${ufrag}\r\na=ice-pwd:whatever\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\na=end-of-candidates\r\n`;
    assert.equal((await call(location, 'PATCH', trickle, fragType)).status, 204);
    assert.equal((await call(location, 'PATCH', trickle, { ...fragType, 'if-match': etag })).status, 204);
    assert.equal((await call(location, 'PATCH', trickle, { ...fragType, 'if-match': '"stale"' })).status, 412);
    assert.equal((await call(location, 'PATCH', 'a=ice-ufrag:new1\r\na=ice-pwd:newpasswordnewpassword12\r\n', { ...fragType, 'if-match': '*' })).status, 422);
    assert.equal((await call(location, 'PATCH', trickle, { 'content-type': 'application/sdp' })).status, 415);
    await publisher.close();
    assert.equal((await call(location, 'DELETE')).status, 200);
    assert.equal((await call(location, 'PATCH', trickle, fragType)).status, 404);
  });

  test('OPTIONS: a CORS preflight allows the methods and headers a WHIP client sends; a plain OPTIONS also gives Accept-Post and ICE servers', async () => {
    const preflight = await call(`${app.httpUrl}/whip/any`, 'OPTIONS', undefined, {
      origin: 'http://elsewhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST.*PATCH.*DELETE/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization.*content-type.*if-match/);
    const ownHeader = await call(`${app.httpUrl}/whep/any`, 'OPTIONS', undefined, {
      origin: 'http://elsewhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-client-id' });
    assert.match(ownHeader.headers.get('access-control-allow-headers') ?? '', /x-client-id/, 'a client\'s own header is allowed too');
    const plain = await call(`${app.httpUrl}/whep/any`, 'OPTIONS');
    assert.equal(plain.headers.get('accept-post'), 'application/sdp');
    assert.match(plain.headers.get('link') ?? '', /rel="ice-server"/);
    const session = await call(`${app.httpUrl}/whip/any/${'0'.repeat(32)}`, 'OPTIONS', undefined, { origin: 'http://elsewhere.example', 'access-control-request-method': 'DELETE' });
    assert.equal(session.status, 204);
    assert.equal(session.headers.get('access-control-allow-origin'), '*');
  });
});

test('without the embedded TURN there are no Link fields, and WHIP still works', async (t) => {
  const app = await testApp({ turn: { enabled: false } });
  t.after(() => app.stop());
  const publisher = new TestPublisher();
  t.after(() => publisher.close());
  const res = await post(`${app.httpUrl}/whip/no-turn`, await publisher.offer());
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('link'), null);
  assert.equal((await call(res.location!, 'DELETE')).status, 200);
});
