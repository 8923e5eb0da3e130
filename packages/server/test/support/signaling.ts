// Publishing and playing werift test peers over the WCS signaling protocol, and calling the REST API.
import assert from 'node:assert/strict';
import { TestPublisher, until, type TestPlayer } from './werift-client.ts';
import { newId, playPayload, publishPayload, type WsClient } from './ws-client.ts';

/** Publishes `publisher` as `name` over `ws`; resolves with its mediaSessionId once PUBLISHING. */
export async function publishOver(ws: WsClient, publisher: TestPublisher, name: string): Promise<string> {
  return (await startOver(ws, publisher, name)).id;
}

/** Plays `name` over `ws` into `player`; resolves with its mediaSessionId once PLAYING. */
export async function playOver(ws: WsClient, player: TestPlayer, name: string): Promise<string> {
  return (await startOver(ws, player, name)).id;
}

/**
 * Publishes (a TestPublisher) or plays (a TestPlayer) `name` over `ws`; resolves with the
 * mediaSessionId and the server's answer once the status is PUBLISHING/PLAYING and the peer is connected.
 */
export async function startOver(ws: WsClient, peer: TestPublisher | TestPlayer, name: string): Promise<{ id: string; answer: string }> {
  const id = newId();
  const publish = peer instanceof TestPublisher;
  ws.send(publish ? 'publishStream' : 'playStream', (publish ? publishPayload : playPayload)(id, name, await peer.offer()));
  const answer = await ws.answer(id);
  await peer.accept(answer);
  const status = await ws.status(id);
  assert.deepEqual([status.status, status.info], [publish ? 'PUBLISHING' : 'PLAYING', ''], `${publish ? 'publishing' : 'playing'} ${name}`);
  // The server's side is up; the peer's DTLS may still wait for the server's last flight, and a werift
  // client closed then retransmits its own for half a minute, holding the test process open.
  await until(() => peer.pc.connectionState === 'connected', 5000, `${name}: the test peer connected`);
  return { id, answer };
}

/** POSTs `body` (JSON) to a REST path of the server; the status and the parsed answer. */
export async function rest(httpUrl: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${httpUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json() };
}
