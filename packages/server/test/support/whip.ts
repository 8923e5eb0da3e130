// WHIP/WHEP over plain fetch for tests: POST an offer, read the answer and the headers that matter.
import { TestPlayer, TestPublisher, until } from './werift-client.ts';

/** TURN relay ports of the WHIP/WHEP suites: apart from every other suite's (and below the ephemeral range). */
export const WHIP_TURN_RELAY_PORTS = { minPort: 21500, maxPort: 21999 } as const;

export interface WhipAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** Absolute URL of the session (Location resolved against the endpoint). */
  location: string | undefined;
}

export async function post(endpoint: string, body: string, headers: Record<string, string> = { 'content-type': 'application/sdp' }): Promise<WhipAnswer> {
  const res = await fetch(endpoint, { method: 'POST', body, headers, signal: AbortSignal.timeout(15_000) });
  const location = res.headers.get('location');
  return { status: res.status, headers: res.headers, body: await res.text(), location: location ? new URL(location, endpoint).href : undefined };
}

/** Any request; the body is read (an unread one holds undici's connection and a 30 s timer after the test). */
export async function call(url: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: string }> {
  const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(10_000), ...(body !== undefined ? { body } : {}) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/**
 * A werift publisher through WHIP, returned once connected (DTLS done): a werift client whose DTLS
 * handshake is cut short by the session's end retransmits its flight for ~30 s, even after close(),
 * and that kept the test process alive.
 */
export async function whipPublish(httpUrl: string, name: string, token?: string): Promise<{ publisher: TestPublisher; location: string; etag: string | null }> {
  const publisher = new TestPublisher();
  const answer = await post(`${httpUrl}/whip/${encodeURIComponent(name)}`, await publisher.offer(),
    { 'content-type': 'application/sdp', ...(token ? { authorization: `Bearer ${token}` } : {}) });
  if (answer.status !== 201 || !answer.location) {
    await publisher.close();
    throw new Error(`WHIP POST answered ${answer.status}: ${answer.body}`);
  }
  await publisher.accept(answer.body);
  await until(() => publisher.pc.connectionState === 'connected', 10_000, 'the WHIP publisher connected');
  return { publisher, location: answer.location, etag: answer.headers.get('etag') };
}

/** A werift player through WHEP. */
export async function whepPlay(httpUrl: string, name: string): Promise<{ player: TestPlayer; location: string }> {
  const player = new TestPlayer();
  const answer = await post(`${httpUrl}/whep/${encodeURIComponent(name)}`, await player.offer());
  if (answer.status !== 201 || !answer.location) {
    await player.close();
    throw new Error(`WHEP POST answered ${answer.status}: ${answer.body}`);
  }
  await player.accept(answer.body);
  await until(() => player.pc.connectionState === 'connected', 10_000, 'the WHEP player connected');
  return { player, location: answer.location };
}
