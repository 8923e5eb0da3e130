// ICE checks must carry this session's credentials: a stranger who reaches a media port cannot
// nominate its own address and take the stream (werift alone would let it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Attr, StunClass, StunMethod, encodeMessage } from '@traverse/turn/stun';
import { isUnauthenticatedStunRequest } from '../../src/media/ice-request-auth.ts';
import { sessionRequest as request, testMediaServer as server } from '../support/media.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';

function bindingRequest(username: string, key: string | undefined, nominate: boolean): Buffer {
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0xffffffff);
  const controlling = randomBytes(8);
  return encodeMessage(StunClass.Request, StunMethod.Binding, randomBytes(12), [
    { type: Attr.Username, value: Buffer.from(username) },
    { type: Attr.Priority, value: priority },
    { type: Attr.IceControlling, value: controlling },
    ...(nominate ? [{ type: Attr.UseCandidate, value: Buffer.alloc(0) }] : []),
  ], { ...(key ? { integrityKey: Buffer.from(key) } : {}), fingerprint: true });
}

test('isUnauthenticatedStunRequest(): our ufrag and password, or dropped; other traffic passes', () => {
  assert.equal(isUnauthenticatedStunRequest(bindingRequest('ours:theirs', 'secret-password', true), 'ours', 'secret-password'), false);
  assert.equal(isUnauthenticatedStunRequest(bindingRequest('ours:theirs', 'wrong-password', true), 'ours', 'secret-password'), true);
  assert.equal(isUnauthenticatedStunRequest(bindingRequest('ours:theirs', undefined, true), 'ours', 'secret-password'), true);
  assert.equal(isUnauthenticatedStunRequest(bindingRequest('other:theirs', 'secret-password', true), 'ours', 'secret-password'), true);
  assert.equal(isUnauthenticatedStunRequest(bindingRequest('oursx:theirs', 'secret-password', true), 'ours', 'secret-password'), true);
  const truncated = bindingRequest('ours:theirs', 'secret-password', true).subarray(0, 40);
  truncated.writeUInt16BE(20, 2);
  assert.equal(isUnauthenticatedStunRequest(truncated, 'ours', 'secret-password'), true);
  const response = encodeMessage(StunClass.SuccessResponse, StunMethod.Binding, randomBytes(12), []);
  assert.equal(isUnauthenticatedStunRequest(response, 'ours', 'secret-password'), false, 'responses are werift\'s to match');
  assert.equal(isUnauthenticatedStunRequest(Buffer.from([0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'ours', 'x'), false, 'DTLS');
  assert.equal(isUnauthenticatedStunRequest(Buffer.from([0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), 'ours', 'x'), false, 'RTP');
});

test('a stranger\'s nominations are ignored and it receives nothing; the player keeps its media', async (t) => {
  const media = server();
  const publisher = new TestPublisher();
  const player = new TestPlayer();
  const stranger = createSocket('udp4');
  const received: Buffer[] = [];
  stranger.on('message', (m) => received.push(m));
  await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
  t.after(async () => {
    stranger.close();
    media.close();
    await Promise.all([publisher.close(), player.close()]);
  });
  const statuses: string[][] = [];
  await publisher.accept(await media.publish(request('pub', 's', await publisher.offer(), statuses)));
  publisher.startSending(50);
  const playStatus: string[][] = [];
  const answer = await media.play(request('play', 's', await player.offer(), playStatus));
  await player.accept(answer);
  await until(() => playStatus.length > 0 && player.videoPackets > 10, 10_000, 'the player playing');

  const port = Number(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/.exec(answer)![1]);
  const ufrag = /a=ice-ufrag:(\S+)/.exec(answer)![1]!;
  const password = /a=ice-pwd:(\S+)/.exec(answer)![1]!;
  for (const attack of [bindingRequest(`${ufrag}:x`, undefined, true), bindingRequest(`${ufrag}:x`, 'not-the-password', true), bindingRequest('guess:x', password, true)]) {
    for (let i = 0; i < 5; i++) stranger.send(attack, port, '127.0.0.1');
  }
  const before = player.videoPackets;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(received.length, 0, 'no answer and no media for the stranger');
  assert.ok(player.videoPackets > before + 20, 'the player still receives');

  // The same request with the session's credentials is answered: the checks above were well formed.
  stranger.send(bindingRequest(`${ufrag}:x`, password, false), port, '127.0.0.1');
  await until(() => received.length > 0, 3000, 'a binding response to an authenticated check');
  assert.equal(received[0]!.readUInt16BE(0), 0x0101, 'Binding success response');
});
