// Port reservations (RFC 8656 §7.2, EVEN-PORT with the R bit): the port above an even relay port is
// held for a later Allocate that presents the RESERVATION-TOKEN. Any client holding the token may
// claim it, once; unclaimed, it is released after about 30 s (the RFC's figure) so that reserving
// cannot hold the relay range. Time comes from the caller (the protocol's injected clock).
import type { ReservedRelayPort } from './types.ts';

export const RESERVATION_LIFETIME_MS = 30_000;

export interface PortReservation {
  readonly reserved: ReservedRelayPort;
  /** Who reserved it: the reservation counts against this user's quota until claimed or released. */
  readonly username: string;
  readonly expiresAtMs: number;
}

export class PortReservations {
  readonly #byToken = new Map<string, PortReservation>();
  readonly #perUser = new Map<string, number>();

  /** `mintToken` returns 8 unguessable bytes (crypto randomness outside tests). */
  constructor(private readonly mintToken: () => Buffer) {}

  get size(): number {
    return this.#byToken.size;
  }

  countFor(username: string): number {
    return this.#perUser.get(username) ?? 0;
  }

  /** Holds `reserved` for RESERVATION_LIFETIME_MS; returns its token. */
  add(reserved: ReservedRelayPort, username: string, nowMs: number): Buffer {
    let token = this.mintToken();
    while (this.#byToken.has(token.toString('hex'))) token = this.mintToken();
    this.#byToken.set(token.toString('hex'), { reserved, username, expiresAtMs: nowMs + RESERVATION_LIFETIME_MS });
    this.#perUser.set(username, this.countFor(username) + 1);
    return token;
  }

  /** The live reservation for `token`, left in place (a quota check may still refuse the claim). */
  find(token: Buffer, nowMs: number): PortReservation | undefined {
    const r = this.#byToken.get(token.toString('hex'));
    return r && r.expiresAtMs > nowMs ? r : undefined;
  }

  /** Removes the reservation so that its token cannot be used again; the caller claims the port. */
  take(token: Buffer): PortReservation | undefined {
    const key = token.toString('hex');
    const r = this.#byToken.get(key);
    if (!r) return undefined;
    this.#forget(key, r);
    return r;
  }

  /** Releases every reservation whose time is up. */
  sweep(nowMs: number): void {
    for (const [key, r] of this.#byToken) {
      if (r.expiresAtMs > nowMs) continue;
      this.#forget(key, r);
      r.reserved.release();
    }
  }

  close(): void {
    for (const [key, r] of [...this.#byToken]) {
      this.#forget(key, r);
      r.reserved.release();
    }
  }

  #forget(key: string, r: PortReservation): void {
    this.#byToken.delete(key);
    const n = this.countFor(r.username) - 1;
    if (n <= 0) this.#perUser.delete(r.username);
    else this.#perUser.set(r.username, n);
  }
}
