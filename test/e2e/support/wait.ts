// Waiting for an event with a bound: the probe is polled until it returns a value, and a timeout
// names what never happened (with the probe's last word), instead of a fixed sleep deciding.

export interface WaitOptions {
  /** How often the probe runs. */
  everyMs?: number;
  /** Describes the last state seen, for the timeout message. */
  lastSeen?: () => string;
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = options.lastSeen ? `; last seen: ${options.lastSeen()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await new Promise((r) => setTimeout(r, options.everyMs ?? 200));
  }
}
