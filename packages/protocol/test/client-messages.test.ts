import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonNestsDeeperThan, parseClientMessage, PROTOCOL_LIMITS, serverMessage } from '@traverse/protocol';

// The frame the stock SDK 2.0.276 sent on publish (research/wcs-websdk.md §3.5), shortened.
const publishFrame = JSON.stringify({
  message: 'publishStream',
  data: [{
    mediaSessionId: '017d0340-e786-11f1-a663-f578d7fd38ea', name: 's1', published: true, hasVideo: true, hasAudio: true,
    status: 'PENDING', record: false, mediaProvider: 'WebRTC', sdp: 'v=0\r\n', bitrate: 0, minBitrate: 0, maxBitrate: 0,
    transport: 'UDP', localMediaInfo: { devices: {} },
  }],
});

test('parseClientMessage() accepts a stock-SDK publishStream and keeps its extra fields', () => {
  const r = parseClientMessage(publishFrame);
  assert.ok(r.ok && r.known);
  assert.equal(r.value.message, 'publishStream');
  if (r.value.message !== 'publishStream') return;
  assert.equal(r.value.payload.name, 's1');
  assert.deepEqual((r.value.payload as Record<string, unknown>).localMediaInfo, { devices: {} });
});

test('parseClientMessage() accepts pong with data [null] and a connection', () => {
  assert.deepEqual(parseClientMessage('{"message":"pong","data":[null]}'), { ok: true, known: true, value: { message: 'pong', payload: null } });
  const c = parseClientMessage('{"message":"connection","data":[{"appKey":"defaultApp","mediaProviders":["WebRTC"],"clientVersion":"2.0"}]}');
  assert.ok(c.ok && c.known && c.value.message === 'connection');
});

test('parseClientMessage() reports an unknown message name as known: false', () => {
  assert.deepEqual(parseClientMessage('{"message":"pushLogs","data":[{"logs":"x"}]}'), { ok: true, known: false, message: 'pushLogs' });
});

test('parseClientMessage() rejects malformed JSON, bad envelopes and bad fields with a clear error', () => {
  assert.deepEqual(parseClientMessage('{"message":'), { ok: false, error: 'malformed JSON' });
  const noName = parseClientMessage('{"data":[]}');
  assert.ok(!noName.ok && noName.error.startsWith('bad envelope'));
  const arr = parseClientMessage('[1,2]');
  assert.ok(!arr.ok);
  const noSdp = parseClientMessage('{"message":"publishStream","data":[{"mediaSessionId":"m1","name":"s1"}]}');
  assert.ok(!noSdp.ok);
  assert.equal(noSdp.mediaSessionId, 'm1');
  assert.equal(noSdp.message, 'publishStream');
  assert.match(noSdp.error, /sdp/);
  const emptyName = parseClientMessage('{"message":"playStream","data":[{"mediaSessionId":"m1","name":"","sdp":"v=0"}]}');
  assert.ok(!emptyName.ok && /name/.test(emptyName.error));
  const badTransport = parseClientMessage('{"message":"playStream","data":[{"mediaSessionId":"m1","name":"a","sdp":"v=0","transport":"SCTP"}]}');
  assert.ok(!badTransport.ok && /transport/.test(badTransport.error));
});

test('parseClientMessage() enforces the size limits', () => {
  const big = JSON.stringify({ message: 'sendData', data: [{ operationId: 'o', payload: 'x'.repeat(PROTOCOL_LIMITS.maxDataPayloadBytes + 10) }] });
  const r = parseClientMessage(big);
  assert.ok(!r.ok && /payload larger/.test(r.error));
  const huge = parseClientMessage('"' + 'x'.repeat(PROTOCOL_LIMITS.maxMessageBytes) + '"');
  assert.ok(!huge.ok && /larger than/.test(huge.error));
  const longName = parseClientMessage(JSON.stringify({ message: 'playStream', data: [{ mediaSessionId: 'm', name: 'n'.repeat(PROTOCOL_LIMITS.maxStreamNameLength + 1), sdp: 'v=0' }] }));
  assert.ok(!longName.ok);
});

test('parseClientMessage() refuses deeply nested JSON, which would overflow the stack of whatever walks it', () => {
  // 100,000 nested arrays: 200 KB, under the size limit; JSON.stringify of it throws RangeError.
  const deep = `{"message":"sendData","data":[{"operationId":"o","payload":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
  assert.ok(deep.length < PROTOCOL_LIMITS.maxMessageBytes);
  const r = parseClientMessage(deep);
  assert.ok(!r.ok && /nested deeper than 32/.test(r.error), JSON.stringify(r).slice(0, 200));
  const ok = parseClientMessage(JSON.stringify({ message: 'sendData', data: [{ operationId: 'o', payload: { a: [[[{ b: 1 }]]] } }] }));
  assert.ok(ok.ok);
});

test('jsonNestsDeeperThan() counts brackets outside strings only', () => {
  assert.equal(jsonNestsDeeperThan('[[[]]]', 3), false);
  assert.equal(jsonNestsDeeperThan('[[[[]]]]', 3), true);
  assert.equal(jsonNestsDeeperThan('{"a":"[[[[[[","b":[1]}', 2), false);
  assert.equal(jsonNestsDeeperThan(String.raw`{"a":"\\"}`, 1), false, 'an escaped backslash ends before the quote');
  assert.equal(jsonNestsDeeperThan(String.raw`{"a":"\"[[[["}`, 1), false, 'an escaped quote does not end the string');
  assert.equal(jsonNestsDeeperThan(String.raw`{"a":"\\",["x",[{}]]}`, 2), true);
});

test('server frames always carry a data array', () => {
  for (const frame of [serverMessage.ping(), serverMessage.setRemoteSDP('id', 'v=0'), serverMessage.fail({ apiMethod: 'StreamStatusEvent', id: 'x', status: 'FAILED', info: 'bad' })]) {
    assert.ok(Array.isArray(frame.data));
  }
  assert.deepEqual(serverMessage.setRemoteSDP('id', 'v=0').data, ['id', 'v=0']);
});
