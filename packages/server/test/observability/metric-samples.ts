// Reads samples from a server's /metrics text, for tests that check a counter.

/** Every sample of `name` (any labels) in Prometheus text: the label text (e.g. `{reason="binary"}`, or '') → value. */
export function metricSamples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out.set(m[2] ?? '', Number(m[3]));
  }
  return out;
}

export async function scrape(httpUrl: string): Promise<string> {
  const res = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return res.text();
}

/** One sample's value: `label` is the text between the braces, e.g. `reason="binary"`; 0 when absent. */
export async function metricValue(httpUrl: string, name: string, label = ''): Promise<number> {
  return metricSamples(await scrape(httpUrl), name).get(label ? `{${label}}` : '') ?? 0;
}

/** The sum of every series of a counter. */
export function metricTotal(text: string, name: string): number {
  let sum = 0;
  for (const v of metricSamples(text, name).values()) sum += v;
  return sum;
}
