import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePeerConnection, FakeWebSocket, install, tick } from './support/fakes.ts';
import * as Flashphoner from '../src/index.ts';
import { handedIceServers, withIceServers } from '../src/ice-servers.ts';

install();
Flashphoner.init({});

const handed = {
  iceServers: [{ urls: ['turn:media.example:3478?transport=udp', 'turns:media.example:5349?transport=tcp'], username: '1767312000:traverse', credential: 'c2VjcmV0' }],
  iceServersTtl: 43200,
};

test('handedIceServers() reads the connect reply, skips unusable entries, and is undefined when there are none', () => {
  assert.deepEqual(handedIceServers(handed), handed.iceServers);
  assert.deepEqual(handedIceServers({ iceServers: [{ urls: 'turn:a:1', username: 'u', credential: 'c' }, { urls: [7] }, null, 'x'] }),
    [{ urls: ['turn:a:1'], username: 'u', credential: 'c' }]);
  for (const reply of [undefined, null, {}, { iceServers: 'turn:a' }, { iceServers: [] }, { iceServers: [{ urls: ['turn:a:1'] }] }]) {
    assert.equal(handedIceServers(reply), undefined, JSON.stringify(reply));
  }
});

test('withIceServers(): absent → the server\'s; given (even empty) → the page\'s; other options kept', () => {
  const servers = handed.iceServers;
  assert.deepEqual(withIceServers(undefined, servers), { iceServers: servers });
  assert.deepEqual(withIceServers({ iceTransportPolicy: 'relay' }, servers), { iceTransportPolicy: 'relay', iceServers: servers });
  const own = { iceServers: [{ urls: 'turn:own:3478', username: 'u', credential: 'c' }] };
  assert.equal(withIceServers(own, servers), own);
  const none = { iceServers: [] };
  assert.equal(withIceServers(none, servers), none);
  assert.equal(withIceServers(undefined, undefined), undefined);
});

/** A session established with `reply` as getUserData; the peer connection of one published stream. */
async function publishedPc(mediaOptions: Record<string, unknown> | undefined, reply: Record<string, unknown>, updates: Record<string, unknown>[] = []): Promise<FakePeerConnection> {
  const session = Flashphoner.createSession({ urlServer: 'ws://media.example:8080', ...(mediaOptions ? { mediaOptions } : {}) });
  const ws = FakeWebSocket.last!;
  ws.open();
  ws.receive('getUserData', { sessionId: 's', ...reply });
  for (const update of updates) ws.receive('updateIceServers', update);
  session.createStream({ name: 'n' }).publish();
  await tick(); await tick();
  session.disconnect();
  return FakePeerConnection.all.at(-1)!;
}

test('a session whose page set no iceServers uses the ones of the connect reply', async () => {
  const pc = await publishedPc(undefined, handed);
  assert.deepEqual(pc.config.iceServers, handed.iceServers);
  assert.equal(pc.config.iceTransportPolicy, undefined);
});

test('streams created after an updateIceServers frame use its fresh credentials; a malformed update changes nothing', async () => {
  const fresh = { iceServers: [{ urls: ['turn:media.example:3478?transport=udp'], username: '1767355200:traverse', credential: 'bmV3' }], iceServersTtl: 43200 };
  assert.deepEqual((await publishedPc(undefined, handed, [fresh])).config.iceServers, fresh.iceServers);
  assert.deepEqual((await publishedPc(undefined, handed, [fresh, { iceServers: 'nonsense' }])).config.iceServers, fresh.iceServers);
  // The page's own servers still win over an update.
  const own = [{ urls: 'turn:own:3478', username: 'u', credential: 'c' }];
  assert.deepEqual((await publishedPc({ iceServers: own }, handed, [fresh])).config.iceServers, own);
});

test('"force relay" without iceServers keeps the relay policy and uses the handed servers', async () => {
  const pc = await publishedPc({ iceTransportPolicy: 'relay' }, handed);
  assert.deepEqual(pc.config.iceServers, handed.iceServers);
  assert.equal(pc.config.iceTransportPolicy, 'relay');
});

test('the page\'s own iceServers win, and an empty list means none', async () => {
  const own = [{ url: 'turn:own:3478?transport=tcp', username: 'u', credential: 'c' }];
  assert.deepEqual((await publishedPc({ iceServers: own }, handed)).config.iceServers, [{ urls: 'turn:own:3478?transport=tcp', username: 'u', credential: 'c' }]);
  assert.deepEqual((await publishedPc({ iceServers: [] }, handed)).config.iceServers, []);
});

test('a server that hands nothing (stock WCS) leaves no ICE servers, as the stock SDK does', async () => {
  assert.deepEqual((await publishedPc(undefined, {})).config.iceServers, []);
});
