// The server on IPv6 loopback only: signaling, REST and WebRTC media over ::1, with nothing on IPv4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { testApp } from './support/app.ts';
import { candidatePorts } from './support/bound-ports.ts';
import { rest, startOver } from './support/signaling.ts';
import { TestPlayer, TestPublisher, until } from './support/werift-client.ts';
import { WsClient } from './support/ws-client.ts';

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('listening on ::1: a werift peer publishes and another plays over IPv6 signaling and media; REST answers over [::1]', async (t) => {
  const app = await testApp({ listenIp: '::1', mediaIps: ['::1'], turn: { listeningIps: ['::1'], relayIps: ['::1'] } });
  const publisher = new TestPublisher({ address: '::1' });
  const player = new TestPlayer({ address: '::1' });
  t.after(async () => {
    await Promise.all([publisher.close(), player.close()]);
    await app.stop();
  });
  assert.match(app.wsUrl, /^ws:\/\/\[::1\]:\d+\/$/);
  for (const port of [app.ports.ws, app.ports.http]) {
    assert.equal(await accepts('::1', port), true, `[::1]:${port} listens`);
    assert.equal(await accepts('127.0.0.1', port), false, `127.0.0.1:${port} does not`);
  }
  const ws = await WsClient.establish(app.wsUrl);
  t.after(() => ws.close());

  const published = await startOver(ws, publisher, 'six');
  publisher.startSending(50);
  const played = await startOver(ws, player, 'six');
  for (const { answer } of [published, played]) {
    assert.ok(candidatePorts(answer).length > 0 && /^a=candidate:\S+ 1 udp \d+ ::1 \d+ typ host/m.test(answer), 'host candidates on ::1 only');
    assert.doesNotMatch(answer, /a=candidate:.* 127\.0\.0\.1 /);
  }
  await until(() => player.videoIndexes.length > 30, 10_000, 'video over IPv6');

  const found = await rest(app.httpUrl, '/rest-api/stream/find_all', {});
  assert.equal(found.status, 200, 'the REST allow-list admits ::1');
  const sessions = found.body as { mediaSessionId: string; mediaType: string; remoteAddress?: string }[];
  assert.deepEqual(sessions.map((s) => [s.mediaSessionId, s.mediaType]).sort(), [[published.id, 'publish'], [played.id, 'play']].sort());
  for (const s of sessions) assert.match(s.remoteAddress ?? '', /^::1:\d+$/, 'media comes from ::1');
});
