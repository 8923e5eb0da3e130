// The server's own list of sessions, through the WCS REST API as an operator sees it.
import assert from 'node:assert/strict';

export interface ListedSession {
  name: string;
  mediaType: 'publish' | 'play';
  status: string;
  mediaSessionId: string;
  remoteAddress?: string;
}

/** Every session the server lists (find_all answers 404 "Stream not found" when there is none). */
export async function listedSessions(httpUrl: string): Promise<ListedSession[]> {
  const res = await fetch(`${httpUrl}/rest-api/stream/find_all`, { signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return [];
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as ListedSession[];
}

/**
 * "play name", "publish name", sorted: what a test expects the server to list for the stream under
 * test (by name, so a test that failed earlier and left its stream live does not fail this one too).
 */
export function sessionKinds(sessions: ListedSession[], name: string): string[] {
  return sessions.filter((s) => s.name === name).map((s) => `${s.mediaType} ${s.name}`).sort();
}
