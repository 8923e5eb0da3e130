import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePeerConnection, FakeWebSocket, install, tick } from './support/fakes.ts';
import * as Flashphoner from '../src/index.ts';

const fakes = install();
const { SESSION_STATUS, STREAM_STATUS } = Flashphoner.constants;

test('createSession() throws before init(), and without urlServer', () => {
  assert.throws(() => Flashphoner.createSession({ urlServer: 'ws://x' }), /Flashphoner API is not initialized/);
  Flashphoner.init({});
  assert.throws(() => Flashphoner.createSession({} as never), /options.urlServer must be provided/);
});

async function established(extra: Record<string, unknown> = {}) {
  const events: string[] = [];
  let userData: unknown;
  const session = Flashphoner.createSession({ urlServer: 'ws://server:8080', custom: { token: 't' }, ...extra })
    .on(SESSION_STATUS.CONNECTED, () => events.push('CONNECTED'))
    .on(SESSION_STATUS.ESTABLISHED, (_s, obj) => { events.push('ESTABLISHED'); userData = obj; })
    .on(SESSION_STATUS.DISCONNECTED, () => events.push('DISCONNECTED'))
    .on(SESSION_STATUS.FAILED, () => events.push('FAILED'));
  const ws = FakeWebSocket.last!;
  ws.open();
  const [connection] = ws.take('connection');
  assert.equal(connection!.appKey, 'defaultApp');
  assert.deepEqual(connection!.mediaProviders, ['WebRTC']);
  assert.equal(connection!.clientVersion, '2.0');
  assert.deepEqual(connection!.custom, { token: 't' });
  ws.receive('getUserData', { sessionId: 'abc', authToken: 'z' });
  assert.deepEqual(events, ['CONNECTED', 'ESTABLISHED']);
  assert.deepEqual(userData, { sessionId: 'abc', authToken: 'z' });
  assert.equal(session.status(), 'ESTABLISHED');
  return { session, ws, events };
}

test('connection → getUserData gives ESTABLISHED; ping is answered with pong', async () => {
  const { ws } = await established();
  ws.receive('ping', null);
  assert.deepEqual(ws.sent.at(-1), { message: 'pong', data: [null] });
});

test('publish: silent PENDING, publishStream frame as the stock SDK sends it, answer applied, PUBLISHING, stop → UNPUBLISHED', async () => {
  const { session, ws } = await established({ mediaOptions: { iceServers: [{ url: 'turn:t:3478?transport=tcp', username: 'u', credential: 'c' }], iceTransportPolicy: 'relay' } });
  const seen: string[] = [];
  const display = fakes.document.div();
  const stream = session.createStream({ name: 's1', display: display as unknown as HTMLElement })
    .on(STREAM_STATUS.PENDING, () => seen.push('PENDING'))
    .on(STREAM_STATUS.PUBLISHING, (s) => seen.push(`PUBLISHING ${(s as typeof stream).status()}`))
    .on(STREAM_STATUS.UNPUBLISHED, (s) => seen.push(`UNPUBLISHED ${(s as typeof stream).getInfo()}`));
  stream.publish();
  assert.equal(stream.status(), 'PENDING');
  await tick(); await tick();
  const [frame] = ws.take('publishStream');
  assert.ok(frame);
  for (const [k, v] of Object.entries({ mediaSessionId: stream.id(), name: 's1', published: true, hasVideo: true, hasAudio: true, status: 'PENDING', record: false, mediaProvider: 'WebRTC' })) {
    assert.deepEqual(frame[k], v, k);
  }
  assert.match(frame.sdp as string, /^v=0/);
  assert.doesNotMatch(frame.sdp as string, /a=candidate/);
  const pc = FakePeerConnection.all.at(-1)!;
  assert.deepEqual(pc.config.iceServers, [{ urls: 'turn:t:3478?transport=tcp', username: 'u', credential: 'c' }]);
  assert.equal(pc.config.iceTransportPolicy, 'relay');
  assert.deepEqual(pc.transceivers.map((t) => t.direction), ['sendonly', 'sendonly']);
  assert.ok(display.children.some((c) => c.id === stream.id()), 'local <video id=stream.id()>');
  ws.receive('setRemoteSDP', stream.id(), 'v=0\r\nanswer');
  await tick();
  assert.deepEqual(pc.remoteDescription, { type: 'answer', sdp: 'v=0\r\nanswer' });
  ws.receive('notifyStreamStatusEvent', { mediaSessionId: stream.id(), status: 'PUBLISHING', info: '' });
  assert.deepEqual(seen, ['PUBLISHING PUBLISHING']);
  assert.deepEqual(session.getStreams(), [stream]);
  stream.stop();
  const [unpublish] = ws.take('unPublishStream');
  assert.equal(unpublish!.mediaSessionId, stream.id());
  assert.equal(unpublish!.status, 'PUBLISHING');
  assert.equal(pc.closed, true);
  ws.receive('notifyStreamStatusEvent', { mediaSessionId: stream.id(), status: 'UNPUBLISHED', info: 'Stopped by user' });
  assert.deepEqual(seen, ['PUBLISHING PUBLISHING', 'UNPUBLISHED Stopped by user']);
  assert.deepEqual(session.getStreams(), []);
});

test('play: local PENDING callback finds the <video>, playStream sent, PLAYING, stop → STOPPED', async () => {
  const { session, ws } = await established();
  const display = fakes.document.div();
  const seen: string[] = [];
  const stream = session.createStream({ name: 's1', display: display as unknown as HTMLElement })
    .on(STREAM_STATUS.PENDING, (s) => seen.push(`PENDING ${fakes.document.getElementById((s as typeof stream).id()) ? 'video' : 'none'}`))
    .on(STREAM_STATUS.PLAYING, () => seen.push('PLAYING'))
    .on(STREAM_STATUS.STOPPED, (s) => seen.push(`STOPPED ${(s as typeof stream).getInfo()}`));
  stream.play();
  assert.deepEqual(seen, ['PENDING video']);
  await tick(); await tick();
  const [frame] = ws.take('playStream');
  assert.equal(frame!.published, false);
  assert.equal(frame!.name, 's1');
  assert.deepEqual(FakePeerConnection.all.at(-1)!.transceivers.map((t) => `${t.kind}:${t.direction}`), ['audio:recvonly', 'video:recvonly']);
  ws.receive('notifyStreamStatusEvent', { mediaSessionId: stream.id(), status: 'PLAYING', info: '' });
  stream.stop();
  assert.equal(ws.take('stopStream')[0]!.status, 'PLAYING');
  ws.receive('notifyStreamStatusEvent', { mediaSessionId: stream.id(), status: 'STOPPED', info: 'Stopped by user' });
  assert.deepEqual(seen, ['PENDING video', 'PLAYING', 'STOPPED Stopped by user']);
  assert.equal(fakes.document.getElementById(stream.id()), null, 'the player video is removed');
  assert.throws(() => stream.play(), /Invalid stream state STOPPED/);
});

test('FAILED from the server carries its info string; a fail frame for a stream fails it too', async () => {
  const { session, ws } = await established();
  const a = session.createStream({ name: 'busy' });
  let info: string | undefined;
  a.on(STREAM_STATUS.FAILED, (s) => { info = (s as typeof a).getInfo(); });
  a.publish();
  await tick(); await tick();
  ws.receive('notifyStreamStatusEvent', { mediaSessionId: a.id(), status: 'FAILED', info: 'Stream name is already in use' });
  assert.equal(info, 'Stream name is already in use');
  const b = session.createStream({ name: 'x' });
  let failed = false;
  b.on(STREAM_STATUS.FAILED, () => { failed = true; });
  b.play();
  ws.receive('fail', { apiMethod: 'StreamStatusEvent', id: b.id(), info: 'bad' });
  assert.equal(failed, true);
  assert.equal(b.getInfo(), 'bad');
});

test('getUserMedia failure: FAILED with "Local error" and the error message; nothing is sent', async () => {
  const { session, ws } = await established();
  fakes.gum.fail = new Error('Permission denied');
  const s = session.createStream({ name: 'cam' });
  let status = '';
  s.on(STREAM_STATUS.FAILED, () => { status = s.status(); });
  s.publish();
  await tick(); await tick();
  fakes.gum.fail = undefined;
  assert.equal(status, 'FAILED');
  assert.equal(s.getInfo(), 'Local error');
  assert.equal(s.getErrorInfo(), 'Permission denied');
  assert.deepEqual(ws.take('publishStream'), []);
});

test('the camera is released when the session drops while it is still being opened', async () => {
  const { session, ws } = await established();
  let release!: () => void;
  fakes.gum.hold = new Promise<void>((r) => (release = r));
  const s = session.createStream({ name: 'slow-cam' });
  s.publish();
  await tick();
  ws.close();
  await tick();
  release();
  fakes.gum.hold = undefined;
  await tick(); await tick();
  assert.equal(s.status(), 'FAILED');
  const camera = fakes.gum.streams.at(-1)!;
  assert.ok(camera.getTracks().every((track) => track.stopped), 'every track stopped');
  assert.deepEqual(ws.take('publishStream'), []);
});

test('stop() while PENDING waits for the server status, then stops', async () => {
  const { session, ws } = await established();
  const s = session.createStream({ name: 'p' });
  s.publish();
  await tick(); await tick();
  s.stop();
  assert.deepEqual(ws.take('unPublishStream'), []);
  ws.receive('notifyStreamStatusEvent', { mediaSessionId: s.id(), status: 'PUBLISHING', info: '' });
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(ws.take('unPublishStream').length, 1);
});

test('a dropped socket: streams FAILED, session DISCONNECTED (FAILED on error) and removed', async () => {
  const one = await established();
  const s = one.session.createStream({ name: 'a' });
  let streamStatus = '';
  s.on(STREAM_STATUS.FAILED, () => { streamStatus = 'FAILED'; });
  s.play();
  one.ws.close();
  assert.equal(streamStatus, 'FAILED');
  assert.deepEqual(one.events.slice(-1), ['DISCONNECTED']);
  assert.ok(!Flashphoner.getSessions().includes(one.session));
  const two = await established();
  two.ws.fail();
  assert.deepEqual(two.events.slice(-1), ['FAILED']);
});

test('malformed or unknown server frames are ignored', async () => {
  const { session, ws } = await established();
  ws.receiveRaw('not json');
  ws.receiveRaw('{"message":"ping"}');
  ws.receiveRaw(JSON.stringify({ message: 'notifyStreamStatusEvent', data: [null] }));
  ws.receive('somethingNew', { x: 1 });
  assert.equal(session.status(), 'ESTABLISHED');
});

test('createStream() needs an ESTABLISHED session and a name', async () => {
  const session = Flashphoner.createSession({ urlServer: 'ws://x' });
  assert.throws(() => session.createStream({ name: 'a' }), /Invalid session state PENDING/);
  const { session: ok } = await established();
  assert.throws(() => ok.createStream({} as never), /options.name must be provided/);
});

test('mute and sendData send stream events; sendData on the session resolves on ACCEPTED', async () => {
  const { session, ws } = await established();
  const s = session.createStream({ name: 'm' });
  s.publish();
  await tick(); await tick();
  s.muteAudio();
  s.sendData({ hello: 1 });
  assert.deepEqual(ws.take('sendStreamEvent').map((e) => e.type), ['audioMuted', 'data']);
  assert.equal(s.isAudioMuted(), true);
  const p = session.sendData({ any: true });
  const [req] = ws.take('sendData');
  ws.receive('DataStatusEvent', { operationId: req!.operationId, status: 'ACCEPTED' });
  assert.deepEqual(await p, { operationId: req!.operationId, status: 'ACCEPTED' });
});
