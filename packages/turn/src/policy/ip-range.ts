// Address ranges: "10.0.0.0/8", "192.0.2.1-192.0.2.9", "::1", "fe80::/10". Matching compares the
// address as a bigint, so one code path serves IPv4 and IPv6.
import { parseIP, unwrapMappedIPv4 } from '../stun/index.ts';

export interface IpRange {
  family: 4 | 6;
  low: bigint;
  high: bigint;
  /** The text it was parsed from, for logs and errors. */
  text: string;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** Parses one range; undefined when the text is not an address, CIDR or a-b range of one family. */
export function parseIpRange(text: string): IpRange | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash >= 0) {
    const bytes = parseIP(t.slice(0, slash));
    const prefixText = t.slice(slash + 1);
    if (!bytes || !/^\d{1,3}$/.test(prefixText)) return undefined;
    const bits = bytes.length * 8;
    const prefix = Number(prefixText);
    if (prefix > bits) return undefined;
    const host = (1n << BigInt(bits - prefix)) - 1n;
    const base = bytesToBigInt(bytes) & ~host;
    return { family: bytes.length === 4 ? 4 : 6, low: base, high: base | host, text: t };
  }
  const dash = t.indexOf('-');
  if (dash >= 0) {
    const a = parseIP(t.slice(0, dash).trim());
    const b = parseIP(t.slice(dash + 1).trim());
    if (!a || !b || a.length !== b.length) return undefined;
    const low = bytesToBigInt(a);
    const high = bytesToBigInt(b);
    if (low > high) return undefined;
    return { family: a.length === 4 ? 4 : 6, low, high, text: t };
  }
  const bytes = parseIP(t);
  if (!bytes) return undefined;
  const n = bytesToBigInt(bytes);
  return { family: bytes.length === 4 ? 4 : 6, low: n, high: n, text: t };
}

/** A set of ranges with a membership test on address bytes (IPv4-mapped IPv6 is unwrapped first). */
export class IpRangeSet {
  readonly #v4: IpRange[] = [];
  readonly #v6: IpRange[] = [];

  constructor(ranges: Iterable<IpRange> = []) {
    for (const r of ranges) this.add(r);
  }

  add(range: IpRange): void {
    (range.family === 4 ? this.#v4 : this.#v6).push(range);
  }

  get size(): number {
    return this.#v4.length + this.#v6.length;
  }

  /** The first range containing the address, if any. */
  find(address: Uint8Array): IpRange | undefined {
    const bytes = unwrapMappedIPv4(address);
    const n = bytesToBigInt(bytes);
    for (const r of bytes.length === 4 ? this.#v4 : this.#v6) if (n >= r.low && n <= r.high) return r;
    return undefined;
  }
}
