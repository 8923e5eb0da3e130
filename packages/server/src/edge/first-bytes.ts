// What a new connection on the public port carries, told from its first bytes alone (pure: no I/O).
// The patterns (shared/research/one-port.md) are disjoint, so the order of the checks does not matter:
//   tls      16 03 0x            a TLS record of type handshake (the ClientHello), version 3.x
//   ice-tcp  LL LL 00 01 MM MM 21 12 A4 42   RFC 4571 length (= MM MM + 20) around a STUN Binding request
//   turn     0T TT LL LL 21 12 A4 42          a bare STUN message (RFC 8656 §5 framing): TURN over TCP/TLS
//   http     "GET " "POST " …    an HTTP/1.x request line (pages, REST, the WebSocket upgrade)
// An ICE-TCP frame and a bare STUN message both start with 0x00: the magic cookie's place (bytes 6–9
// or 4–7) tells them apart, so no connection is ever both. Byte 0 alone sorts the rest: 0x16 TLS,
// 0x00–0x07 STUN (framed or not), ASCII capitals HTTP.

export type FirstBytesKind = 'tls' | 'ice-tcp' | 'turn' | 'http';
export type FirstBytesVerdict = FirstBytesKind | 'need-more' | 'unknown';

/** No verdict needs more bytes than this: a longer buffer is always decided. */
export const FIRST_BYTES_NEEDED = 10;

const STUN_MAGIC_COOKIE = [0x21, 0x12, 0xa4, 0x42] as const;
const STUN_HEADER_BYTES = 20;
/** A browser's first ICE check is ~100–200 bytes; a frame announcing more than 2 KB is not one. */
const MAX_FIRST_CHECK_FRAME = 2047;
const HTTP_METHODS = ['GET ', 'HEAD ', 'POST ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH '].map((m) => Buffer.from(m, 'latin1'));

/** Whether the bytes present could still match: 'match' once all of the pattern is present. */
type Partial = 'match' | 'maybe' | 'no';

/** `bytes[at..]` against `expected`, as far as `bytes` goes. */
function prefixMatches(bytes: Buffer, at: number, expected: ArrayLike<number>): Partial {
  for (let i = 0; i < expected.length; i++) {
    if (at + i >= bytes.length) return 'maybe';
    if (bytes[at + i] !== expected[i]) return 'no';
  }
  return 'match';
}

function tls(bytes: Buffer): Partial {
  if (bytes.length >= 1 && bytes[0] !== 0x16) return 'no';
  if (bytes.length >= 2 && bytes[1] !== 0x03) return 'no';
  if (bytes.length < 3) return 'maybe';
  // SSL 3.0 (0x00) to TLS 1.3 (0x04); a ClientHello's record version is 0x01 or 0x03 in practice.
  return bytes[2]! <= 0x04 ? 'match' : 'no';
}

function iceTcp(bytes: Buffer): Partial {
  if (bytes.length >= 1 && bytes[0]! > MAX_FIRST_CHECK_FRAME >> 8) return 'no';
  // Bytes 2–3: a STUN Binding request (class request, method Binding).
  const binding = prefixMatches(bytes, 2, [0x00, 0x01]);
  if (binding === 'no') return 'no';
  const cookie = prefixMatches(bytes, 6, STUN_MAGIC_COOKIE);
  if (cookie === 'no') return 'no';
  if (bytes.length >= 6) {
    const frameLength = bytes.readUInt16BE(0);
    const stunLength = bytes.readUInt16BE(4);
    // The frame holds exactly one STUN message, whose attributes are 32-bit aligned.
    if (frameLength !== stunLength + STUN_HEADER_BYTES || stunLength % 4 !== 0) return 'no';
  }
  return cookie;
}

function bareStun(bytes: Buffer): Partial {
  // The two top bits of a STUN message are zero; a client's first message is a request or an
  // indication, so byte 0 is 0x00 or 0x01 (methods up to 0x0FF).
  if (bytes.length >= 1 && bytes[0]! > 0x01) return 'no';
  if (bytes.length >= 4 && bytes.readUInt16BE(2) % 4 !== 0) return 'no';
  return prefixMatches(bytes, 4, STUN_MAGIC_COOKIE);
}

function http(bytes: Buffer): Partial {
  let maybe = false;
  for (const method of HTTP_METHODS) {
    const m = prefixMatches(bytes, 0, method);
    if (m === 'match') return 'match';
    if (m === 'maybe') maybe = true;
  }
  return maybe ? 'maybe' : 'no';
}

const MATCHERS: Record<FirstBytesKind, (bytes: Buffer) => Partial> = { 'tls': tls, 'ice-tcp': iceTcp, 'turn': bareStun, 'http': http };

/** Every kind the public port tells apart, in the clear. */
export const OUTER_KINDS: readonly FirstBytesKind[] = ['tls', 'ice-tcp', 'turn', 'http'];
/** Inside TLS: pages, REST and WebSocket, or TURN over TLS. */
export const INSIDE_TLS_KINDS: readonly FirstBytesKind[] = ['http', 'turn'];

/**
 * The kind of connection whose first bytes are `bytes`, among `kinds`: 'need-more' while a pattern
 * could still match (never once FIRST_BYTES_NEEDED bytes are in), 'unknown' when none can.
 */
export function classifyFirstBytes(bytes: Buffer, kinds: readonly FirstBytesKind[] = OUTER_KINDS): FirstBytesVerdict {
  let maybe = false;
  for (const kind of kinds) {
    const m = MATCHERS[kind](bytes);
    if (m === 'match') return kind;
    if (m === 'maybe') maybe = true;
  }
  return maybe && bytes.length < FIRST_BYTES_NEEDED ? 'need-more' : 'unknown';
}
