// Waiting for an event with a bound: the probe is polled until it returns a value, and a timeout
// names what never happened (with the probe's last word), instead of a fixed sleep deciding. A probe
// that itself never answers (a wedged page's evaluate) is bounded by the same deadline.

export interface WaitOptions {
  /** How often the probe runs. */
  everyMs?: number;
  /** Describes the last state seen, for the timeout message. */
  lastSeen?: () => string;
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export async function bounded<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A probe gets at least a second, so a slow last try is not cut short.
    const value = await bounded(`${what} (the probe did not answer)`, Math.max(1000, deadline - Date.now()), Promise.resolve(probe()));
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = options.lastSeen ? `; last seen: ${options.lastSeen()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await new Promise((r) => setTimeout(r, options.everyMs ?? 200));
  }
}
