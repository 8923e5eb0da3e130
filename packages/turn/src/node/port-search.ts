// Choosing a relay port from the pool's own bookkeeping (the OS bind is the final word). Pure.

export type PortShape = 'any' | 'even' | 'pair';

/** Random probes before the linear scan: quick on an empty pool, and the scan bounds a full one. */
const RANDOM_PROBES = 32;

/**
 * A port of [min, max] not in `used`: any, even, or even with port + 1 free too (an RTP/RTCP pair for
 * EVEN-PORT with the R bit). Bounded: a few random probes, then one scan of the range (at most
 * 65,536 set lookups), so a full or fragmented pool answers undefined at once.
 */
export function findFreePort(used: ReadonlySet<number>, range: { minPort: number; maxPort: number }, shape: PortShape, random: () => number = Math.random): number | undefined {
  const stride = shape === 'any' ? 1 : 2;
  const first = shape === 'any' ? range.minPort : range.minPort + (range.minPort % 2);
  const last = shape === 'pair' ? range.maxPort - 1 : range.maxPort;
  if (first > last) return undefined;
  const slots = Math.floor((last - first) / stride) + 1;
  const free = (p: number) => !used.has(p) && (shape !== 'pair' || !used.has(p + 1));
  for (let i = 0; i < RANDOM_PROBES; i++) {
    const p = first + stride * Math.floor(random() * slots);
    if (free(p)) return p;
  }
  for (let p = first; p <= last; p += stride) if (free(p)) return p;
  return undefined;
}
