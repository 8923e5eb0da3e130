// One UDP port and one ICE-TCP port for every session (media/shared-ports/): a flow or connection
// belongs to the session whose ufrag its first authenticated check names, and nothing else — a
// stranger's STUN, DTLS or garbage — reaches any session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Socket } from 'node:net';
import { pino } from 'pino';
import { Attr, StunClass, StunMethod, encodeMessage } from '@traverse/turn/stun';
import { MediaServer } from '../../src/media/index.ts';
import { authenticatedCheck, checkedUfrag } from '../../src/media/shared-ports/ice-check.ts';
import { IceTcpAcceptor, dropWritesWhenBacklogged, firstFrame } from '../../src/media/shared-ports/ice-tcp.ts';
import { openSharedPorts, type OpenSharedPorts } from '../../src/media/shared-ports/index.ts';
import { SharedUdpPort, UNMAPPED_CHECKS_PER_SECOND } from '../../src/media/shared-ports/udp-port.ts';
import { sessionRequest as request } from '../support/media.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';

function check(username: string, password: string | undefined): Buffer {
  return encodeMessage(StunClass.Request, StunMethod.Binding, randomBytes(12), [
    { type: Attr.Username, value: Buffer.from(username) },
    { type: Attr.Priority, value: Buffer.from([0x6e, 0, 0x1e, 0xff]) },
  ], { ...(password ? { integrityKey: Buffer.from(password) } : {}), fingerprint: true });
}

const framed = (data: Buffer) => Buffer.concat([Buffer.from([data.length >> 8, data.length & 0xff]), data]);
const DTLS_HELLO = Buffer.from([0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const RTP = Buffer.from([0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]);

async function udpClient(host = '127.0.0.1'): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, host, () => r()));
  return socket;
}

const settle = () => new Promise((r) => setTimeout(r, 60));

test('checkedUfrag() and authenticatedCheck(): the ufrag a Binding request names, and only with its password', () => {
  const known = new Map([['alpha', [{ ufrag: 'alpha', password: 'alpha-password-0123456789' }]]]);
  assert.equal(checkedUfrag(check('alpha:browser', undefined)), 'alpha');
  assert.equal(authenticatedCheck(check('alpha:browser', 'alpha-password-0123456789'), known)?.ufrag, 'alpha');
  assert.equal(authenticatedCheck(check('alpha:browser', 'wrong-password-0123456789'), known), undefined, 'wrong password');
  assert.equal(authenticatedCheck(check('alpha:browser', undefined), known), undefined, 'no MESSAGE-INTEGRITY');
  assert.equal(authenticatedCheck(check('beta:browser', 'alpha-password-0123456789'), known), undefined, 'unknown ufrag');
  assert.equal(checkedUfrag(check('alpha', undefined)), undefined, 'no colon');
  // Two sessions on one ufrag (werift's have 16 random bits): the password tells them apart.
  const shared = new Map([['alpha', [{ ufrag: 'alpha', password: 'alpha-password-0123456789' }, { ufrag: 'alpha', password: 'other-password-0123456789' }]]]);
  assert.equal(authenticatedCheck(check('alpha:b', 'other-password-0123456789'), shared)?.password, 'other-password-0123456789');
  assert.equal(authenticatedCheck(check('alpha:b', 'alpha-password-0123456789'), shared)?.password, 'alpha-password-0123456789');
  const response = encodeMessage(StunClass.SuccessResponse, StunMethod.Binding, randomBytes(12), [{ type: Attr.Username, value: Buffer.from('alpha:x') }]);
  assert.equal(checkedUfrag(response), undefined, 'a response is no check');
  assert.equal(checkedUfrag(DTLS_HELLO), undefined);
  assert.equal(checkedUfrag(randomBytes(64)), undefined);
});

test('firstFrame(): RFC 4571 length, then the frame; too short or too long to be a check is refused', () => {
  const frame = check('a:b', 'x');
  assert.equal(firstFrame(Buffer.from([0])), 'more');
  assert.equal(firstFrame(framed(frame).subarray(0, 10)), 'more');
  assert.deepEqual(firstFrame(framed(frame)), frame);
  assert.deepEqual(firstFrame(Buffer.concat([framed(frame), Buffer.from([1, 2, 3])])), frame, 'what follows is the session\'s');
  assert.equal(firstFrame(Buffer.from([0, 4, 1, 2, 3, 4])), undefined, 'shorter than a STUN header');
  assert.equal(firstFrame(Buffer.from([0xff, 0xff, 1])), undefined, 'longer than any first check');
  assert.equal(firstFrame(Buffer.from('GET / HTTP/1.1\r\n')), undefined, 'HTTP reads as a 18245-byte frame');
});

const TAKEOVER_AFTER_MS = 300;

test('shared UDP port: one host\'s flood of checks is cut at its budget, unread; another host still connects, and a mapped flow\'s checks are never counted', async (t) => {
  const port = await SharedUdpPort.bind('127.0.0.1', 0);
  const flooder = await udpClient('127.0.0.1');
  const browser = await udpClient('127.0.0.2');
  t.after(async () => {
    flooder.close();
    browser.close();
    await port.close();
  });
  const got: Buffer[] = [];
  port.attach({ ufrag: 'sessA', password: 'password-of-session-a-0123' }, (d) => got.push(d));
  // Checks naming the live ufrag with a guessed password: each would cost an HMAC.
  const guess = check('sessA:x', 'guess-guess-guess-guess-0');
  const flood = 4 * UNMAPPED_CHECKS_PER_SECOND;
  for (let i = 0; i < flood; i++) flooder.send(guess, port.port, '127.0.0.1');
  await until(() => port.counters.strayPackets + port.counters.checksRateLimited >= flood * 0.9, 5000, 'the flood read');
  assert.ok(port.counters.checksRateLimited >= flood / 4, `rate-limited: ${port.counters.checksRateLimited} of ${flood}`);
  assert.ok(port.counters.strayPackets <= 3 * UNMAPPED_CHECKS_PER_SECOND, `read and refused: ${port.counters.strayPackets}`);
  assert.equal(got.length, 0);

  const limited = port.counters.checksRateLimited;
  // More than a source's burst: once its first check has mapped it, the browser's checks are its session's.
  const checks = 2 * UNMAPPED_CHECKS_PER_SECOND + 200;
  browser.send(check('sessA:y', 'password-of-session-a-0123'), port.port, '127.0.0.1');
  await until(() => got.length === 1, 5000, 'the other host\'s first check');
  for (let i = 1; i < checks; i++) browser.send(check('sessA:y', 'password-of-session-a-0123'), port.port, '127.0.0.1');
  await until(() => got.length === checks, 5000, 'the other host\'s checks');
  assert.equal(port.counters.checksRateLimited, limited, 'another host has its own budget; a mapped flow\'s checks are not limited');
});

test('shared UDP port: a flow maps to the session its authenticated check names; strangers reach no session', async (t) => {
  const port = await SharedUdpPort.bind('127.0.0.1', 0, TAKEOVER_AFTER_MS);
  const browserA = await udpClient();
  const browserB = await udpClient();
  const stranger = await udpClient();
  t.after(async () => {
    for (const s of [browserA, browserB, stranger]) s.close();
    await port.close();
  });
  const got = { a: [] as Buffer[], b: [] as Buffer[] };
  const a = port.attach({ ufrag: 'sessA', password: 'password-of-session-a-0123' }, (d) => got.a.push(d));
  port.attach({ ufrag: 'sessB', password: 'password-of-session-b-0123' }, (d) => got.b.push(d));
  const send = (s: UdpSocket, d: Buffer) => s.send(d, port.port, '127.0.0.1');

  // Before any check, nothing maps: media, DTLS and forged checks from anyone are dropped.
  send(browserA, RTP);
  send(browserA, DTLS_HELLO);
  send(stranger, check('sessA:x', 'not-the-password-0123456'));
  send(stranger, check('sessA:x', undefined));
  send(stranger, randomBytes(200));
  await settle();
  assert.deepEqual([got.a.length, got.b.length], [0, 0]);
  assert.equal(port.counters.strayPackets, 5);

  send(browserA, check('sessA:x', 'password-of-session-a-0123'));
  send(browserB, check('sessB:y', 'password-of-session-b-0123'));
  await settle();
  send(browserA, RTP);
  send(browserB, DTLS_HELLO);
  send(stranger, RTP);
  await settle();
  assert.equal(got.a.length, 2, 'A: its check and its media');
  assert.deepEqual(got.a[1], RTP);
  assert.equal(got.b.length, 2, 'B: its check and its DTLS');
  assert.deepEqual(got.b[1], DTLS_HELLO);
  assert.equal(port.counters.flowsOpened, 2);

  // A forged check for B from A's address moves nothing; an authenticated one does (a rebinding).
  send(browserA, check('sessB:y', 'wrong-password-for-b-0123'));
  await settle();
  send(browserA, RTP);
  await settle();
  assert.equal(got.a.length, 4, 'the forged check went to A (its flow), whose own check drops it; A keeps its media');
  assert.equal(got.b.length, 2);

  // Replies leave from the shared port.
  const reply = new Promise<number>((resolve) => browserA.once('message', (_m, rinfo) => resolve(rinfo.port)));
  await a.send(Buffer.from('hello'), ['127.0.0.1', browserA.address().port]);
  assert.equal(await reply, port.port);

  // Detached: A's flow is gone, its packets are strays.
  a.detach();
  const strays = port.counters.strayPackets;
  send(browserA, RTP);
  await settle();
  assert.equal(got.a.length, 4);
  assert.equal(port.counters.strayPackets, strays + 1);
  assert.equal(port.sessions, 1);

  // Two sessions on one ufrag (werift's have 16 random bits): each gets the flow its password opens.
  const twin: Buffer[] = [];
  port.attach({ ufrag: 'sessB', password: 'password-of-the-twin-0123' }, (d) => twin.push(d));
  const b = got.b.length;
  send(stranger, check('sessB:z', 'password-of-the-twin-0123'));
  send(stranger, RTP);
  await settle();
  assert.equal(twin.length, 2, 'the twin: its check and its media');
  assert.equal(got.b.length, b, 'B got none of it');

  // A valid check for B from C's live address (B's owner spoofing it) moves nothing and reaches no one...
  const browserC = await udpClient();
  const gotC: Buffer[] = [];
  port.attach({ ufrag: 'sessC', password: 'password-of-session-c-0123' }, (d) => gotC.push(d));
  send(browserC, check('sessC:w', 'password-of-session-c-0123'));
  await settle();
  send(browserC, check('sessB:y', 'password-of-session-b-0123'));
  await settle();
  send(browserC, RTP);
  await settle();
  assert.equal(got.b.length, b, 'B got nothing from C\'s address');
  assert.equal(gotC.length, 2, 'C keeps its address: its check and its media, not the spoofed check');
  // ...until C has sent no check from it for a while (a browser that left its port to another page).
  await new Promise((r) => setTimeout(r, TAKEOVER_AFTER_MS + 100));
  send(browserC, check('sessB:y', 'password-of-session-b-0123'));
  await settle();
  assert.equal(got.b.length, b + 1, 'a quiet owner\'s address moves to the session that checks from it');
  send(browserC, check('sessC:w', 'password-of-session-c-0123'));
  await settle();
  assert.equal(gotC.length, 2, 'and stays: C\'s check from B\'s live address is dropped');
  browserC.close();
});

async function tcpClient(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

const closed = (socket: Socket, timeoutMs: number) => new Promise<boolean>((resolve) => {
  if (socket.destroyed) return resolve(true);
  const timer = setTimeout(() => resolve(false), timeoutMs);
  socket.once('close', () => {
    clearTimeout(timer);
    resolve(true);
  });
  socket.on('error', () => undefined);
});

test('ICE-TCP acceptor: a connection whose first frame is an authenticated check goes to that session with every byte; others are closed', async (t) => {
  const acceptor = new IceTcpAcceptor({ maxPending: 3, maxPendingPerAddress: 3, firstCheckTimeoutMs: 400 });
  const port = await acceptor.listen('127.0.0.1', 0);
  t.after(() => acceptor.close());
  const taken: { from: [string, number]; bytes: Promise<Buffer> }[] = [];
  acceptor.attach({ ufrag: 'tcpA', password: 'password-of-tcp-session-a' }, (socket, from) => {
    const chunks: Buffer[] = [];
    taken.push({ from, bytes: new Promise((resolve) => {
      socket.on('data', (c) => {
        chunks.push(c);
        const all = Buffer.concat(chunks);
        if (all.length >= 2 + all.readUInt16BE(0) + 4) resolve(all);
      });
    }) });
  });

  const first = framed(check('tcpA:browser', 'password-of-tcp-session-a'));
  const browser = await tcpClient(port);
  t.after(() => browser.destroy());
  // Split across writes, with the next frame right behind: the session sees the stream intact.
  browser.write(first.subarray(0, 7));
  await settle();
  browser.write(Buffer.concat([first.subarray(7), Buffer.from([0, 2, 9, 9])]));
  await until(() => taken.length === 1, 3000, 'the connection handed over');
  assert.deepEqual(await taken[0]!.bytes, Buffer.concat([first, Buffer.from([0, 2, 9, 9])]));
  assert.equal(taken[0]!.from[1], browser.localPort);

  const refusedBefore = acceptor.counters.refused;
  const garbage = await tcpClient(port);
  garbage.write(randomBytes(64));
  const forged = await tcpClient(port);
  forged.write(framed(check('tcpA:x', 'not-the-password-01234567')));
  const unknown = await tcpClient(port);
  unknown.write(framed(check('nobody:x', 'password-of-tcp-session-a')));
  const http = await tcpClient(port);
  http.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const silent = await tcpClient(port);
  for (const [name, socket] of Object.entries({ garbage, forged, unknown, http, silent })) {
    assert.equal(await closed(socket, 2000), true, `${name} closed`);
  }
  assert.equal(acceptor.counters.refused, refusedBefore + 5);
  assert.equal(taken.length, 1);
  assert.equal(browser.destroyed, false, 'the session\'s connection is untouched');
});

test('ICE-TCP acceptor: only maxPending connections may wait for their first check at once', async (t) => {
  const acceptor = new IceTcpAcceptor({ maxPending: 3, maxPendingPerAddress: 3, firstCheckTimeoutMs: 5000 });
  const port = await acceptor.listen('127.0.0.1', 0);
  const sockets: Socket[] = [];
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await acceptor.close();
  });
  for (let i = 0; i < 3; i++) sockets.push(await tcpClient(port));
  const fourth = await tcpClient(port);
  sockets.push(fourth);
  assert.equal(await closed(fourth, 2000), true, 'the fourth waiting connection is closed at once');
  assert.equal(sockets.slice(0, 3).some((s) => s.destroyed), false);
  // Once one waiter goes, there is room again.
  sockets[0]!.destroy();
  await settle();
  const fifth = await tcpClient(port);
  sockets.push(fifth);
  assert.equal(await closed(fifth, 300), false, 'room again after one left');
});

test('ICE-TCP acceptor: one address may keep only maxPendingPerAddress connections waiting; another address still gets in', async (t) => {
  const acceptor = new IceTcpAcceptor({ maxPending: 100, maxPendingPerAddress: 2, firstCheckTimeoutMs: 5000 });
  const port = await acceptor.listen('127.0.0.1', 0);
  const sockets: Socket[] = [];
  t.after(async () => {
    for (const s of sockets) s.destroy();
    acceptor.close();
  });
  for (let i = 0; i < 2; i++) sockets.push(await tcpClient(port));
  const third = await tcpClient(port);
  sockets.push(third);
  assert.equal(await closed(third, 2000), true, 'the third waiting connection from 127.0.0.1 is closed');
  const elsewhere = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
  sockets.push(elsewhere);
  await new Promise<void>((resolve, reject) => elsewhere.once('connect', resolve).once('error', reject));
  assert.equal(await closed(elsewhere, 300), false, 'another address waits');
});

test('dropWritesWhenBacklogged(): a connection whose peer reads nothing queues at most the cap, then drops, and still calls back', async (t) => {
  const server = createServer((socket) => socket.pause());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const socket = await tcpClient((server.address() as { port: number }).port);
  t.after(() => {
    socket.destroy();
    server.close();
  });
  const capped = dropWritesWhenBacklogged(socket, 64 * 1024);
  const chunk = Buffer.alloc(16 * 1024);
  let callbacks = 0;
  for (let i = 0; i < 2000; i++) socket.write(chunk, () => void callbacks++);
  await until(() => callbacks > 1000, 3000, 'callbacks of dropped writes');
  // What the kernel buffers took, plus at most the cap and one chunk, is all that was kept.
  assert.ok(socket.writableLength <= 64 * 1024 + chunk.length, `queued ${socket.writableLength}`);
  assert.ok(capped.dropped() > 1000, `dropped ${capped.dropped()}`);
});

function sharedMediaServer(ports: OpenSharedPorts): MediaServer {
  return new MediaServer({
    network: { mediaIps: ['127.0.0.1'], announcedIps: [], portRange: [0, 0], shared: ports.ports },
    timeouts: { iceMs: 8000, dtlsMs: 8000, gatheringMs: 5000 },
    keyFrameIntervalMs: 300,
    logger: pino({ level: 'silent' }),
  });
}

const udpCandidatePort = (sdp: string) => Number(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/.exec(sdp)?.[1]);
const tcpCandidatePort = (sdp: string) => Number(/a=candidate:\S+ 1 tcp \d+ 127\.0\.0\.1 (\d+) typ host tcptype passive/.exec(sdp)?.[1]);

test('sessions share one UDP port and offer one ICE-TCP port; media flows while a stranger floods the port with STUN, DTLS, RTP and garbage', async (t) => {
  const ports = await openSharedPorts({ mediaIps: ['127.0.0.1'], udpPort: 0, tcpPort: 0 });
  const media = sharedMediaServer(ports);
  const publisher = new TestPublisher();
  const players = [new TestPlayer(), new TestPlayer()];
  const stranger = await udpClient();
  let flood: NodeJS.Timeout | undefined;
  t.after(async () => {
    clearInterval(flood);
    stranger.close();
    media.close();
    await Promise.all([publisher.close(), ...players.map((p) => p.close())]);
    await ports.close();
  });
  const udpPort = ports.udpPorts[0]!;
  // From before the first answer to the end: everything a stranger can aim at the shared port.
  flood = setInterval(() => {
    stranger.send(DTLS_HELLO, udpPort, '127.0.0.1');
    stranger.send(RTP, udpPort, '127.0.0.1');
    stranger.send(randomBytes(100), udpPort, '127.0.0.1');
    stranger.send(check(`${'x'.repeat(4)}:y`, 'guess-guess-guess-guess'), udpPort, '127.0.0.1');
  }, 3);

  const statuses: string[][] = [];
  const answer = await media.publish(request('pub', 'shared', await publisher.offer(), statuses));
  assert.equal(udpCandidatePort(answer), udpPort, 'the publisher is offered the shared UDP port');
  assert.equal(tcpCandidatePort(answer), ports.tcpPort, 'and the shared ICE-TCP port');
  await publisher.accept(answer);
  await until(() => statuses.length > 0, 10_000, 'publisher status');
  assert.deepEqual(statuses[0], ['PUBLISHING', '']);

  const playerStatuses: string[][][] = [[], []];
  for (const [i, player] of players.entries()) {
    const playAnswer = await media.play(request(`play${i}`, 'shared', await player.offer(), playerStatuses[i]));
    assert.equal(udpCandidatePort(playAnswer), udpPort, `player ${i} shares the port`);
    await player.accept(playAnswer);
  }
  await until(() => playerStatuses.every((s) => s.length > 0), 10_000, 'player statuses');
  assert.deepEqual(playerStatuses.map((s) => s[0]), [['PLAYING', ''], ['PLAYING', '']]);

  publisher.startSending(100);
  await until(() => players.every((p) => p.videoPackets >= 100), 10_000, 'video at every player');
  assert.ok(ports.ports.udp[0]!.counters.strayPackets > 100, `strays counted: ${ports.ports.udp[0]!.counters.strayPackets}`);
  assert.equal(ports.ports.udp[0]!.sessions, 3);
  assert.deepEqual(statuses, [['PUBLISHING', '']], 'the publisher never left PUBLISHING');

  // A session that ends leaves the port; the others go on.
  media.stop('play0', 'STOPPED', 'Stopped by user');
  await until(() => ports.ports.udp[0]!.sessions === 2, 5000, 'the stopped player detached');
  const before = players[1]!.videoPackets;
  await until(() => players[1]!.videoPackets > before + 50, 5000, 'the other player keeps its video');
});

const tcpOnly = (answer: string) => answer.split('\r\n').filter((l) => !/^a=candidate:\S+ 1 udp /.test(l)).join('\r\n');

test('ICE-TCP end to end: a publisher and a player over TCP only; a player that closes its connection and then stops ends STOPPED, one that just vanishes ends FAILED', async (t) => {
  const ports = await openSharedPorts({ mediaIps: ['127.0.0.1'], udpPort: 0, tcpPort: 0 });
  const media = sharedMediaServer(ports);
  const publisher = new TestPublisher({ tcp: true });
  const players = [new TestPlayer({ tcp: true }), new TestPlayer({ tcp: true })];
  t.after(async () => {
    media.close();
    await Promise.all([publisher.close(), ...players.map((p) => p.close())]);
    await ports.close();
  });
  const statuses: string[][] = [];
  await publisher.accept(tcpOnly(await media.publish(request('pub', 'tcp', await publisher.offer(), statuses))));
  await until(() => statuses.length > 0, 10_000, 'publisher status');
  assert.deepEqual(statuses[0], ['PUBLISHING', '']);
  const playerStatuses: string[][][] = [[], []];
  for (const [i, player] of players.entries()) {
    await player.accept(tcpOnly(await media.play(request(`play${i}`, 'tcp', await player.offer(), playerStatuses[i]))));
  }
  await until(() => playerStatuses.every((s) => s.length > 0), 10_000, 'player statuses');
  assert.deepEqual(playerStatuses.map((s) => s[0]), [['PLAYING', ''], ['PLAYING', '']]);
  publisher.startSending(100);
  await until(() => players.every((p) => p.videoPackets >= 50), 10_000, 'video at every player over TCP');
  assert.equal(ports.ports.tcp!.acceptor.counters.accepted, 3);
  assert.equal(ports.ports.udp[0]!.counters.flowsOpened, 0, 'nothing went over UDP');

  // As a page stops: the connection closes, the stop message follows a moment later.
  await players[0]!.close();
  await new Promise((r) => setTimeout(r, 200));
  media.stop('play0', 'STOPPED', 'Stopped by user');
  await players[1]!.close();
  await until(() => playerStatuses[1]!.length > 1, 5000, 'the vanished player ends');
  assert.deepEqual(playerStatuses[0], [['PLAYING', ''], ['STOPPED', 'Stopped by user']]);
  assert.deepEqual(playerStatuses[1], [['PLAYING', ''], ['FAILED', 'Failed by ICE keep alive']]);
});
