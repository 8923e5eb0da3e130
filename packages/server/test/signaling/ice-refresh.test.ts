// Handed TURN credentials expire (12 h by default) while a page may stay connected for days: the
// connection sends fresh ones in an `updateIceServers` frame at 80 % of their lifetime, and stops
// when the socket closes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { ServerFrame } from '@traverse/protocol';
import { LogLimiter } from '../../src/observability/log-limiter.ts';
import { SignalingConnection } from '../../src/signaling/connection.ts';
import { emptyInvalidCounts } from '../../src/signaling/invalid-reason.ts';
import type { MediaService } from '../../src/signaling/types.ts';

test('a connection re-sends ICE servers with newly minted credentials before the handed ones expire, until it closes', async () => {
  const logger = pino({ level: 'silent' });
  const frames: ServerFrame[] = [];
  const arrivals: number[] = [];
  let minted = 0;
  const connection = new SignalingConnection({
    id: 'c1', nodeId: 'n1', remote: '127.0.0.1', host: 'media.example',
    media: { stopOwner() {} } as unknown as MediaService,
    // A one-second lifetime (the server's minimum is a minute): the refresh comes 0.8 s after each mint.
    turnCredentials: () => ({ urls: ['turn:media.example:3478?transport=udp'], username: `u${++minted}`, credential: `c${minted}`, ttl: 1 }),
    logger, limitedLog: new LogLimiter(logger), maxStreams: 4,
    counters: { connections: 0, messages: 0, invalid: emptyInvalidCounts(), refusedConnections: { max_connections: 0, max_connections_per_ip: 0 } },
    send: (f) => {
      frames.push(f);
      arrivals.push(performance.now());
    },
  });
  connection.handleFrame(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp' }] }));
  assert.equal(frames[0]?.message, 'getUserData');
  assert.equal((frames[0]!.data[0] as { iceServers: { username: string }[] }).iceServers[0]!.username, 'u1');

  const updatesSoFar = () => frames.filter((f) => f.message === 'updateIceServers');
  for (const deadline = Date.now() + 5000; updatesSoFar().length < 2 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
  const updates = updatesSoFar();
  assert.equal(updates.length, 2, `updates within 5 s: ${updates.length}`);
  // Not before 80 % of the lifetime: a refresh per frame or per second would be a flood of its own.
  assert.ok(arrivals[1]! - arrivals[0]! >= 750, `first refresh after ${Math.round(arrivals[1]! - arrivals[0]!)} ms`);
  assert.deepEqual(updates.map((f) => (f.data[0] as { iceServers: { username: string }[]; iceServersTtl: number }).iceServers[0]!.username), ['u2', 'u3']);
  assert.equal((updates[0]!.data[0] as { iceServersTtl: number }).iceServersTtl, 1);

  connection.close();
  const sent = frames.length;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(frames.length, sent, 'nothing after close');
});
