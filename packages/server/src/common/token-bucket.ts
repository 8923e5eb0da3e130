// A token bucket: how the server bounds what one client can make it do (signaling messages per
// connection, retransmissions per player). Pure: the caller passes the time.

export class TokenBucket {
  #tokens: number;
  #last: number;

  /** @param perSecond sustained rate; @param burst tokens available at once (and at the start). */
  constructor(private readonly perSecond: number, private readonly burst: number, nowMs: number) {
    this.#tokens = burst;
    this.#last = nowMs;
  }

  /** Takes one token; false when the bucket is empty. */
  take(nowMs: number): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((nowMs - this.#last) / 1000) * this.perSecond);
    this.#last = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
