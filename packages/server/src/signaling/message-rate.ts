// A token bucket per signaling connection: a page sends a handful of messages a second, so a client
// that sends hundreds is broken or hostile, and is cut off before it costs others anything. Pure: the
// caller passes the time.

export class MessageRate {
  #tokens: number;
  #last: number;

  /** @param perSecond sustained rate; a burst of `2 × perSecond` is allowed. */
  constructor(private readonly perSecond: number, nowMs: number) {
    this.#tokens = perSecond * 2;
    this.#last = nowMs;
  }

  /** Takes one message; false when the client is over its rate. */
  take(nowMs: number): boolean {
    const burst = this.perSecond * 2;
    this.#tokens = Math.min(burst, this.#tokens + ((nowMs - this.#last) / 1000) * this.perSecond);
    this.#last = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
