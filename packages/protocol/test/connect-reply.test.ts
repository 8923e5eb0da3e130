import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectReplyIce, connectReplyIceSchema, type TurnCredentials } from '@traverse/protocol';

const minted = {
  urls: ['turn:media.example:3478?transport=udp', 'turn:media.example:3478?transport=tcp', 'turns:media.example:5349?transport=tcp'],
  username: '1767312000:traverse',
  credential: 'c2VjcmV0',
  ttl: 86400,
};

test('connectReplyIce() turns minted TURN credentials into one ICE server and its time to live', () => {
  const r = connectReplyIce(minted);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { iceServers: [{ urls: minted.urls, username: minted.username, credential: minted.credential }], iceServersTtl: 86400 });
});

test('connectReplyIce() refuses credentials without URLs, with a URL that is not TURN or STUN, or without a lifetime', () => {
  const cases: [TurnCredentials, RegExp][] = [
    [{ ...minted, urls: [] }, /iceServers\.0\.urls/],
    [{ ...minted, urls: ['http://media.example/'] }, /turn:, turns: or stun: URL/],
    [{ ...minted, urls: ['turn:a b:3478'] }, /turn:, turns: or stun: URL/],
    [{ ...minted, username: '' }, /username/],
    [{ ...minted, ttl: 0 }, /iceServersTtl/],
  ];
  for (const [bad, field] of cases) {
    const r = connectReplyIce(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
    if (!r.ok) assert.match(r.error, field);
  }
});

test('connectReplyIceSchema accepts a getUserData object of our server and bounds the list', () => {
  assert.ok(connectReplyIceSchema.safeParse({ iceServers: [], iceServersTtl: 60 }).success);
  const five = Array.from({ length: 5 }, () => ({ urls: ['stun:a:3478'], username: 'u', credential: 'c' }));
  assert.equal(connectReplyIceSchema.safeParse({ iceServers: five, iceServersTtl: 60 }).success, false);
});
