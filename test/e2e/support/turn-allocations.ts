// The embedded TURN's live-allocation gauge, read from the server's /metrics: once every stream has
// stopped and its pages have closed, no allocation may stay behind (a leak holds a relay port each).
import { waitFor } from './wait.ts';

/** `turn_allocations{transport="…"} n` lines of a Prometheus text exposition, by transport. */
export function turnAllocations(metricsText: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of metricsText.matchAll(/^turn_allocations\{transport="(\w+)"\} (\d+)$/gm)) counts[m[1]!] = Number(m[2]);
  return counts;
}

/** `turn_allocations_total`: allocations created since the server started. */
export function turnAllocationsCreated(metricsText: string): number {
  return Number(/^turn_allocations_total (\d+)$/m.exec(metricsText)?.[1] ?? 0);
}

/**
 * Waits, bounded, until the gauge is 0 for every transport, and returns how many allocations were
 * created in all (a check on 0 means little if nothing ever allocated). TCP/TLS allocations end when the
 * browser's connection to TURN closes; UDP ones when the browser deallocates (its peer connection
 * closes), so close the pages first.
 */
export async function waitForNoTurnAllocations(readMetrics: () => Promise<string>, timeoutMs = 30_000): Promise<number> {
  let last: Record<string, number> = {};
  return waitFor('every TURN allocation to be released', timeoutMs, async () => {
    const text = await readMetrics();
    last = turnAllocations(text);
    if (Object.keys(last).length === 0) throw new Error('the server exposes no turn_allocations gauge');
    return Object.values(last).every((n) => n === 0) ? turnAllocationsCreated(text) : undefined;
  }, { everyMs: 250, lastSeen: () => JSON.stringify(last) });
}

/** /metrics of a server this process reaches directly. */
export function metricsOf(httpUrl: string): () => Promise<string> {
  return async () => (await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
}
