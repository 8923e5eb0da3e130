// DTLS and SRTP are taken only from an address that passed an authenticated ICE check. A media port
// range hands a freed port to the next session at once, so the last browser connection on that port
// (or a stranger) can still be sending to it; its DTLS records must not reach the new handshake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { pino } from 'pino';
import { MediaServer } from '../../src/media/index.ts';
import { sessionRequest as request } from '../support/media.ts';
import { TestPublisher, until } from '../support/werift-client.ts';

/** A plaintext DTLS 1.2 fatal alert (handshake_failure), as a peer aborting a handshake sends it. */
const FATAL_ALERT = Buffer.from([0x15, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40]);
/** A DTLS 1.2 handshake record that opens like a ClientHello and carries nothing valid. */
const BOGUS_HELLO = Buffer.concat([Buffer.from([0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(0)]);

/** A free-standing port range outside Linux's ephemeral ports, so the test sees the reuse. */
const RANGE: [number, number] = [62900, 62903];

function media(): MediaServer {
  return new MediaServer({
    network: { mediaIps: ['127.0.0.1'], announcedIps: [], portRange: RANGE },
    timeouts: { iceMs: 8000, dtlsMs: 8000, gatheringMs: 5000 },
    keyFrameIntervalMs: 300,
    logger: pino({ level: 'silent' }),
  });
}

/** Waits until a UDP socket can bind the port (the stopped session has let it go), within a bound. */
async function waitForFreePort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((r) => probe.close(() => r()));
    if (free) return;
    if (Date.now() > deadline) throw new Error(`port ${port} still in use after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const portOf = (answer: string) => Number(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/.exec(answer)![1]);

test('DTLS alerts and hellos from an address that never passed an ICE check do not reach the handshake; the session publishes', async (t) => {
  const server = media();
  const stranger = createSocket('udp4');
  await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
  const publishers: TestPublisher[] = [];
  t.after(async () => {
    stranger.close();
    server.close();
    await Promise.all(publishers.map((p) => p.close()));
  });
  // Several sessions in a row on a four-port range: each handshake runs under a stream of stray
  // DTLS records aimed at its port from before the answer leaves until the session is up.
  let previousPort: number | undefined;
  for (let i = 0; i < 6; i++) {
    const publisher = new TestPublisher();
    publishers.push(publisher);
    const statuses: string[][] = [];
    const answer = await server.publish(request(`p${i}`, `s${i}`, await publisher.offer(), statuses));
    const port = portOf(answer);
    assert.ok(port >= RANGE[0] && port <= RANGE[1], `port ${port} in the range`);
    const flood = setInterval(() => {
      stranger.send(FATAL_ALERT, port, '127.0.0.1');
      stranger.send(BOGUS_HELLO, port, '127.0.0.1');
    }, 2);
    try {
      await publisher.accept(answer);
      await until(() => statuses.length > 0, 12_000, `session ${i} status`);
    } finally {
      clearInterval(flood);
    }
    assert.deepEqual(statuses[0], ['PUBLISHING', ''], `session ${i} on port ${port}`);
    if (previousPort !== undefined) assert.equal(port, previousPort, 'the next session reuses the freed port');
    previousPort = port;
    server.stop(`p${i}`, 'UNPUBLISHED', 'Stopped by user');
    await publisher.close();
    await waitForFreePort(port, 5_000);
  }
});
