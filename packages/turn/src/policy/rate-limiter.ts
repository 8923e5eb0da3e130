// Per-key token buckets with a bounded number of keys, for auth-failure limiting per source IP.
// When full, the oldest key is evicted: an attacker spraying addresses can't grow memory.

export interface RateLimiterOptions {
  /** Events allowed in a burst. */
  burst: number;
  /** Tokens regained per second. */
  perSecond: number;
  /** Most keys tracked at once. */
  maxKeys: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimiterOptions) {}

  #refill(key: string, nowMs: number): Bucket {
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= this.options.maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      b = { tokens: this.options.burst, updatedMs: nowMs };
      this.#buckets.set(key, b);
      return b;
    }
    const elapsed = Math.max(0, nowMs - b.updatedMs) / 1000;
    b.tokens = Math.min(this.options.burst, b.tokens + elapsed * this.options.perSecond);
    b.updatedMs = nowMs;
    return b;
  }

  /** Whether the key has a token left, without spending it. */
  allows(key: string, nowMs: number): boolean {
    const b = this.#buckets.get(key);
    if (!b) return true;
    return this.#refill(key, nowMs).tokens >= 1;
  }

  /** Spends one token (records one event). */
  record(key: string, nowMs: number): void {
    const b = this.#refill(key, nowMs);
    b.tokens = Math.max(0, b.tokens - 1);
  }

  get size(): number {
    return this.#buckets.size;
  }
}
