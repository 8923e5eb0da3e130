// STUN message decoding and encoding (RFC 8489 §5, §14). Pure: bytes in, values out.
// Decoding never throws on network input; it returns { ok: false, error }.
import { Attr, FINGERPRINT_XOR, HEADER_LENGTH, MAGIC_COOKIE, type StunClass } from './constants.ts';
import { crc32 } from './crc32.ts';

export interface StunAttribute {
  type: number;
  /** The value without padding; a view into the raw message. */
  value: Buffer;
  /** Offset of the attribute's 4-byte header within the raw message. */
  offset: number;
}

export interface StunMessage {
  cls: StunClass;
  method: number;
  transactionId: Buffer;
  attributes: StunAttribute[];
  /** The whole message as received. */
  raw: Buffer;
}

export type DecodeResult = { ok: true; message: StunMessage } | { ok: false; error: string };

/** More attributes than any legitimate STUN/TURN message carries; bounds the work per packet. */
export const MAX_ATTRIBUTES = 64;

/** Quick test used to demultiplex STUN from ChannelData on a shared transport (RFC 8656 §12). */
export function looksLikeStun(buf: Buffer): boolean {
  return buf.length >= HEADER_LENGTH && (buf[0]! & 0xc0) === 0 && buf.readUInt32BE(4) === MAGIC_COOKIE;
}

export function decodeStun(buf: Buffer): DecodeResult {
  if (buf.length < HEADER_LENGTH) return { ok: false, error: 'shorter than a STUN header' };
  const type = buf.readUInt16BE(0);
  if (type & 0xc000) return { ok: false, error: 'first two bits not zero' };
  if (buf.readUInt32BE(4) !== MAGIC_COOKIE) return { ok: false, error: 'bad magic cookie' };
  const length = buf.readUInt16BE(2);
  if (length % 4 !== 0) return { ok: false, error: 'length not a multiple of 4' };
  if (HEADER_LENGTH + length !== buf.length) return { ok: false, error: 'length field does not match the message size' };

  const cls = (((type >> 7) & 0b10) | ((type >> 4) & 0b01)) as StunClass;
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const attributes: StunAttribute[] = [];
  let pos = HEADER_LENGTH;
  let sawIntegrity = false;
  let sawFingerprint = false;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) return { ok: false, error: 'truncated attribute header' };
    const attrType = buf.readUInt16BE(pos);
    const attrLen = buf.readUInt16BE(pos + 2);
    const end = pos + 4 + attrLen;
    if (end > buf.length) return { ok: false, error: `attribute 0x${attrType.toString(16)} overruns the message` };
    if (sawFingerprint) return { ok: false, error: 'attribute after FINGERPRINT' };
    if (attributes.length >= MAX_ATTRIBUTES) return { ok: false, error: 'too many attributes' };
    // After MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT count (RFC 8489 §14.5).
    if (!sawIntegrity || attrType === Attr.Fingerprint || attrType === Attr.MessageIntegritySha256) {
      attributes.push({ type: attrType, value: buf.subarray(pos + 4, end), offset: pos });
    }
    if (attrType === Attr.MessageIntegrity || attrType === Attr.MessageIntegritySha256) sawIntegrity = true;
    if (attrType === Attr.Fingerprint) sawFingerprint = true;
    pos = end + ((4 - (attrLen % 4)) % 4);
  }
  if (pos !== buf.length) return { ok: false, error: 'padding overruns the message' };
  return { ok: true, message: { cls, method, transactionId: buf.subarray(8, 20), attributes, raw: buf } };
}

export function getAttribute(msg: StunMessage, type: number): StunAttribute | undefined {
  for (const a of msg.attributes) if (a.type === type) return a;
  return undefined;
}

export function messageType(cls: StunClass, method: number): number {
  return ((method & 0x0f80) << 2) | ((method & 0x0070) << 1) | (method & 0x000f) | ((cls & 0b10) << 7) | ((cls & 0b01) << 4);
}

export interface OutgoingAttribute {
  type: number;
  value: Uint8Array;
}

export interface EncodeOptions {
  /** HMAC-SHA1 key: appends MESSAGE-INTEGRITY. */
  integrityKey?: Uint8Array;
  /** HMAC-SHA256 key: appends MESSAGE-INTEGRITY-SHA256 (after MESSAGE-INTEGRITY when both). */
  integritySha256Key?: Uint8Array;
  /** Appends FINGERPRINT. */
  fingerprint?: boolean;
  /** Padding byte value (RFC 8489 says any; tests use 0x20 to reproduce RFC 5769). */
  paddingByte?: number;
}

export interface Hmac {
  (algorithm: 'sha1' | 'sha256', key: Uint8Array, parts: Uint8Array[]): Buffer;
}

function padded(n: number): number {
  return (n + 3) & ~3;
}

/**
 * Encodes a STUN message. `hmac` is injected so this module stays free of node:crypto; the
 * integrity module passes the real one.
 */
export function encodeStun(
  cls: StunClass,
  method: number,
  transactionId: Uint8Array,
  attributes: readonly OutgoingAttribute[],
  options: EncodeOptions,
  hmac: Hmac,
): Buffer {
  let bodyLength = 0;
  for (const a of attributes) bodyLength += 4 + padded(a.value.length);
  const miLength = options.integrityKey ? 24 : 0;
  const mi256Length = options.integritySha256Key ? 36 : 0;
  const fpLength = options.fingerprint ? 8 : 0;
  const buf = Buffer.alloc(HEADER_LENGTH + bodyLength + miLength + mi256Length + fpLength, 0);
  buf.writeUInt16BE(messageType(cls, method), 0);
  buf.writeUInt32BE(MAGIC_COOKIE, 4);
  buf.set(transactionId.subarray(0, 12), 8);
  let pos = HEADER_LENGTH;
  const pad = options.paddingByte ?? 0;
  for (const a of attributes) {
    buf.writeUInt16BE(a.type, pos);
    buf.writeUInt16BE(a.value.length, pos + 2);
    buf.set(a.value, pos + 4);
    const end = pos + 4 + a.value.length;
    pos += 4 + padded(a.value.length);
    if (pad !== 0) buf.fill(pad, end, pos);
  }
  if (options.integrityKey) {
    buf.writeUInt16BE(pos - HEADER_LENGTH + 24, 2);
    const mac = hmac('sha1', options.integrityKey, [buf.subarray(0, pos)]);
    buf.writeUInt16BE(Attr.MessageIntegrity, pos);
    buf.writeUInt16BE(20, pos + 2);
    mac.copy(buf, pos + 4, 0, 20);
    pos += 24;
  }
  if (options.integritySha256Key) {
    buf.writeUInt16BE(pos - HEADER_LENGTH + 36, 2);
    const mac = hmac('sha256', options.integritySha256Key, [buf.subarray(0, pos)]);
    buf.writeUInt16BE(Attr.MessageIntegritySha256, pos);
    buf.writeUInt16BE(32, pos + 2);
    mac.copy(buf, pos + 4, 0, 32);
    pos += 36;
  }
  buf.writeUInt16BE(pos - HEADER_LENGTH + fpLength, 2);
  if (options.fingerprint) {
    const crc = (crc32(buf, 0, pos) ^ FINGERPRINT_XOR) >>> 0;
    buf.writeUInt16BE(Attr.Fingerprint, pos);
    buf.writeUInt16BE(4, pos + 2);
    buf.writeUInt32BE(crc, pos + 4);
  }
  return buf;
}

/** Checks FINGERPRINT when present. Returns true when absent (it is optional for TURN). */
export function checkFingerprint(msg: StunMessage): boolean {
  const fp = getAttribute(msg, Attr.Fingerprint);
  if (!fp) return true;
  if (fp.value.length !== 4) return false;
  const expected = (crc32(msg.raw, 0, fp.offset) ^ FINGERPRINT_XOR) >>> 0;
  return fp.value.readUInt32BE(0) === expected;
}
