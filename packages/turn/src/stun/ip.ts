// IP address text <-> bytes, pure. Addresses on the wire are bytes; sockets and logs use text.
// Node's net helpers would do, but this layer does no I/O and imports nothing from node:net.

export interface TransportAddress {
  family: 4 | 6;
  address: string;
  port: number;
}

/** Parses dotted-quad IPv4 text to 4 bytes; undefined when invalid. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p[0] === '0')) return undefined;
    out[i] = n;
  }
  return out;
}

/** Parses IPv6 text (with `::` compression, optional embedded IPv4, optional %zone) to 16 bytes. */
export function parseIPv6(text: string): Uint8Array | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.length < 2 || s.length > 45) return undefined;
  const words: number[] = [];
  let tail: number[] = [];
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const rest = parseGroups(halves[1]!, true);
    if (!head || !rest || head.length + rest.length > 7) return undefined;
    words.push(...head);
    tail = rest;
    while (words.length + tail.length < 8) words.push(0);
    words.push(...tail);
  } else {
    const all = parseGroups(s, true);
    if (!all || all.length !== 8) return undefined;
    words.push(...all);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = words[i]! >> 8;
    out[i * 2 + 1] = words[i]! & 0xff;
  }
  return out;
}

export function formatIPv4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** RFC 5952 text: lowercase, longest run of zero groups (length ≥ 2) compressed. */
export function formatIPv6(b: Uint8Array, offset = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[offset + i * 2]! << 8) | b[offset + i * 2 + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Bytes of an address in text form (4 or 16 bytes), or undefined. */
export function parseIP(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIPv6(text) : parseIPv4(text);
}

export function ipFamily(text: string): 4 | 6 | undefined {
  if (parseIPv4(text)) return 4;
  if (parseIPv6(text)) return 6;
  return undefined;
}

/**
 * If `bytes` is an IPv4-mapped IPv6 address (::ffff:a.b.c.d), the IPv4 bytes; otherwise the input.
 * Access checks run on the unwrapped form (the lesson of CVE-2026-27624).
 */
export function unwrapMappedIPv4(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 16) return bytes;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return bytes;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return bytes;
  return bytes.subarray(12, 16);
}

/** Canonical text of an address: IPv4-mapped IPv6 unwrapped, IPv6 compressed. */
export function canonicalIP(text: string): string | undefined {
  const bytes = parseIP(text);
  if (!bytes) return undefined;
  const b = unwrapMappedIPv4(bytes);
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b);
}
