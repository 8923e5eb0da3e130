// A token bucket per source address, for work a stranger can make the server do before it knows who
// they are (decoding and authenticating ICE checks on a shared port). The table is bounded: when it is
// full it starts over, which at worst gives every source a fresh burst. Pure: the caller passes the time.
import { TokenBucket } from './token-bucket.ts';

export class PerSourceBudget {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(private readonly perSecond: number, private readonly burst: number, private readonly maxSources = 4096) {}

  /** Takes one token from this source's bucket; false when it is empty. */
  take(source: string, nowMs: number): boolean {
    let bucket = this.#buckets.get(source);
    if (!bucket) {
      if (this.#buckets.size >= this.maxSources) this.#buckets.clear();
      bucket = new TokenBucket(this.perSecond, this.burst, nowMs);
      this.#buckets.set(source, bucket);
    }
    return bucket.take(nowMs);
  }

  get sources(): number {
    return this.#buckets.size;
  }
}
