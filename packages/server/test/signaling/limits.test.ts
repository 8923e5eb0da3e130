// Stream events between publisher and players, the limits that protect the server from one
// connection, and signaling over WSS.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { selfSignedCertificate } from '@traverse/turn';
import WebSocket from 'ws';
import { testApp } from '../support/app.ts';
import { playOver, publishOver } from '../support/signaling.ts';
import { TestPlayer, TestPublisher, until } from '../support/werift-client.ts';
import { WsClient, newId, publishPayload } from '../support/ws-client.ts';
import { metricValue } from '../observability/metric-samples.ts';

test('sendStreamEvent reaches every player of the stream as notifyStreamEvent, and only from its publisher', async (t) => {
  const app = await testApp();
  const publisher = new TestPublisher();
  const player = new TestPlayer();
  const pubWs = await WsClient.establish(app.wsUrl);
  const playWs = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    pubWs.close();
    playWs.close();
    await Promise.all([publisher.close(), player.close()]);
    await app.stop();
  });
  const pubId = await publishOver(pubWs, publisher, 'events');
  const playId = await playOver(playWs, player, 'events');

  pubWs.send('sendStreamEvent', { mediaSessionId: pubId, type: 'audioMuted' });
  pubWs.send('sendStreamEvent', { mediaSessionId: pubId, type: 'data', payload: { chat: 'hello' } });
  const muted = await playWs.next((f) => f.message === 'notifyStreamEvent');
  assert.deepEqual(muted.data[0], { mediaSessionId: playId, type: 'audioMuted' });
  const data = await playWs.next((f) => f.message === 'notifyStreamEvent');
  assert.deepEqual(data.data[0], { mediaSessionId: playId, type: 'data', payload: { chat: 'hello' } });

  // A player cannot speak for the publisher.
  playWs.send('sendStreamEvent', { mediaSessionId: pubId, type: 'videoMuted' });
  const fail = await playWs.next((f) => f.message === 'fail');
  assert.equal((fail.data[0] as { apiMethod: string }).apiMethod, 'sendStreamEvent');
  // The publisher's next event is forwarded after anything the refused one could have caused.
  pubWs.send('sendStreamEvent', { mediaSessionId: pubId, type: 'videoUnmuted' });
  await playWs.next((f) => f.message === 'notifyStreamEvent' && (f.data[0] as { type: string }).type === 'videoUnmuted');
  assert.deepEqual(playWs.frames.filter((f) => f.message === 'notifyStreamEvent'), [], 'the player\'s event reached no one');
});

test('one connection may hold maxStreamsPerConnection streams; a frame over the size limit closes only that socket', async (t) => {
  const app = await testApp({ maxStreamsPerConnection: 2 });
  const publishers = [new TestPublisher(), new TestPublisher(), new TestPublisher()];
  const ws = await WsClient.establish(app.wsUrl);
  const bystander = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    bystander.close();
    await Promise.all(publishers.map((p) => p.close()));
    await app.stop();
  });
  const ids = [newId(), newId(), newId()];
  for (const [i, p] of publishers.entries()) ws.send('publishStream', publishPayload(ids[i]!, `limit-${i}`, await p.offer()));
  const third = await ws.status(ids[2]!);
  assert.equal(third.status, 'FAILED');
  assert.match(third.info, /^Failed by error: more than 2 streams on one connection$/);
  for (const id of ids.slice(0, 2)) await ws.answer(id); // the first two were taken
  assert.equal(app.media.counts().publishers, 2);

  const closed = new Promise<number>((resolve) => ws.ws.once('close', (code) => resolve(code)));
  ws.raw(JSON.stringify({ message: 'sendData', data: [{ operationId: 'x', payload: 'a'.repeat(300 * 1024) }] }));
  assert.equal(await closed, 1009, 'closed as "message too big"');
  assert.equal(await metricValue(app.httpUrl, 'traverse_signaling_invalid_total', 'reason="too_large"'), 1);
  // Its streams are freed; the other connection carries on.
  await until(() => app.media.counts().publishers === 0, 3000, 'the closed connection\'s streams freed');
  bystander.send('sendData', { operationId: 'still-here', payload: 'hi' });
  const accepted = await bystander.next((f) => f.message === 'DataStatusEvent');
  assert.equal((accepted.data[0] as { operationId: string }).operationId, 'still-here');
});

test('a client flooding messages is closed with 1008; others are not affected', async (t) => {
  const app = await testApp({ maxMessagesPerSecond: 20 });
  const flooder = await WsClient.establish(app.wsUrl);
  const bystander = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    flooder.close();
    bystander.close();
    await app.stop();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => flooder.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const started = Date.now();
  for (let i = 0; i < 500 && !flooder.closed; i++) flooder.send('availableStream', { name: 'x', mediaSessionId: `m${i}` });
  assert.deepEqual(await closed, { code: 1008, reason: 'too many messages' });
  assert.ok(await metricValue(app.httpUrl, 'traverse_signaling_invalid_total', 'reason="rate_limited"') >= 1, 'counted as rate_limited');
  const answered = flooder.frames.filter((f) => f.message === 'availableStream').length;
  // The burst (40) less the `connection` message, plus what the bucket refilled (20/s) meanwhile.
  const allowed = 39 + Math.ceil(((Date.now() - started) / 1000) * 20);
  assert.ok(answered >= 39 && answered <= allowed, `answered ${answered} of 500, allowed ${allowed}`);
  // A page's normal pace stays well under the limit.
  for (let i = 0; i < 5; i++) {
    bystander.send('sendData', { operationId: `op${i}`, payload: 'hi' });
    await bystander.next((f) => f.message === 'DataStatusEvent');
  }
  assert.equal(bystander.closed, false);
});

test('a frame nested 100,000 deep gets a fail answer; the server and the connection carry on', async (t) => {
  const app = await testApp();
  const ws = await WsClient.connect(app.wsUrl); // not even established
  t.after(async () => {
    ws.close();
    await app.stop();
  });
  ws.raw(`{"message":"sendData","data":[{"operationId":"o","payload":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`);
  const fail = await ws.next((f) => f.message === 'fail');
  assert.match((fail.data[0] as { info: string }).info, /nested deeper than 32/);
  assert.equal(await metricValue(app.httpUrl, 'traverse_signaling_invalid_total', 'reason="too_deep"'), 1);
  ws.send('connection', { appKey: 'defaultApp', mediaProviders: ['WebRTC'] });
  await ws.next((f) => f.message === 'getUserData');
});

/**
 * Publishes a werift offer changed by `mangle` and returns its status, once it has checked that the
 * status is the only one and no answer follows it: by then a good offer has been published under the
 * same name on the same connection, so the server is done with the bad one.
 */
async function publishMangled(t: TestContext, name: string, mangle: (offer: string) => string) {
  const app = await testApp();
  const publisher = new TestPublisher();
  const good = new TestPublisher();
  const ws = await WsClient.establish(app.wsUrl);
  t.after(async () => {
    ws.close();
    await Promise.all([publisher.close(), good.close()]);
    await app.stop();
  });
  const id = newId();
  ws.send('publishStream', publishPayload(id, name, mangle(await publisher.offer())));
  const status = await ws.status(id);
  await publishOver(ws, good, name);
  const more = ws.frames.filter((f) => (f.message === 'notifyStreamStatusEvent' || f.message === 'setRemoteSDP') && JSON.stringify(f.data).includes(id));
  assert.deepEqual(more.map((f) => f.message), [], 'one final status, no answer');
  return { app, status };
}

test('an offer with more media sections than a camera needs is refused once, before any socket is opened', async (t) => {
  const { app, status } = await publishMangled(t, 'many-sections', (offer) => {
    const [head, ...sections] = offer.split(/\r\n(?=m=)/);
    const audio = sections.find((m) => m.startsWith('m=audio'))!;
    return [head, ...sections, ...Array.from({ length: 40 }, () => audio)].join('\r\n');
  });
  assert.deepEqual([status.status, status.info], ['FAILED', 'Failed by error']);
  assert.deepEqual(app.media.counts(), { publishers: 1, players: 0, streams: 1 }, 'only the good publisher');
});

test('an offer werift cannot apply gets one FAILED, not two', async (t) => {
  const { status } = await publishMangled(t, 'broken', (offer) => offer.replace(/a=fingerprint:.*\r\n/g, '')
    .replace(/a=setup:.*\r\n/g, 'a=setup:bogus\r\n').replace(/a=ice-(ufrag|pwd):.*\r\n/g, ''));
  assert.equal(status.status, 'FAILED');
});

test('one client address may hold maxConnectionsPerIp signaling connections; more get 429', async (t) => {
  const app = await testApp({ maxConnectionsPerIp: 2 });
  const clients = [await WsClient.establish(app.wsUrl), await WsClient.establish(app.wsUrl)];
  t.after(async () => {
    for (const c of clients) c.close();
    await app.stop();
  });
  await assert.rejects(WsClient.connect(app.wsUrl), /429/);
  assert.equal(await metricValue(app.httpUrl, 'traverse_signaling_connections_refused_total', 'reason="max_connections_per_ip"'), 1);
  clients[0]!.ws.terminate();
  // The server counts the address's connections down when a socket closes, before it forgets the
  // connection: once /health shows one connection, the address has a place again.
  await untilHealth(app.httpUrl, (h) => h.connections === 1, 'the closed connection counted out');
  clients.push(await WsClient.establish(app.wsUrl));
});

test('with a certificate, signaling also listens over WSS', async (t) => {
  const pem = await selfSignedCertificate('localhost', { ips: ['127.0.0.1'] });
  const app = await testApp({ cert: pem.cert, key: pem.key, wssPort: 0, httpsPort: 0 });
  t.after(() => app.stop());
  assert.ok(app.ports.wss, 'a WSS port');
  const ws = new WebSocket(`wss://127.0.0.1:${app.ports.wss}/`, { ca: pem.cert });
  t.after(() => ws.close());
  const frames: { message: string }[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as { message: string }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp', mediaProviders: ['WebRTC'] }] }));
  const deadline = Date.now() + 5000;
  while (!frames.some((f) => f.message === 'getUserData') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(frames.some((f) => f.message === 'getUserData'), JSON.stringify(frames));
});

/** Polls /health until `check` holds; fails after 5 s. */
async function untilHealth(httpUrl: string, check: (health: { connections: number }) => boolean, what: string): Promise<void> {
  let health = { connections: -1 };
  const poll = async () => {
    health = (await (await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(5000) })).json()) as { connections: number };
  };
  await poll();
  const deadline = Date.now() + 5000;
  while (!check(health)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(health)}`);
    await new Promise((r) => setTimeout(r, 20));
    await poll();
  }
}
