// MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.5, §14.6): compute and verify.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Attr, HEADER_LENGTH } from './constants.ts';
import { encodeStun, getAttribute, type EncodeOptions, type Hmac, type OutgoingAttribute, type StunMessage } from './message.ts';
import type { StunClass } from './constants.ts';

export const hmac: Hmac = (algorithm, key, parts) => {
  const h = createHmac(algorithm, key);
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Long-term credential key: MD5(username ":" realm ":" password) (RFC 8489 §9.2.2). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`, 'utf8').digest();
}

/** Encodes with the real HMAC. */
export function encodeMessage(
  cls: StunClass,
  method: number,
  transactionId: Uint8Array,
  attributes: readonly OutgoingAttribute[],
  options: EncodeOptions = {},
): Buffer {
  return encodeStun(cls, method, transactionId, attributes, options, hmac);
}

function macOver(msg: StunMessage, attrOffset: number, macLength: number, algorithm: 'sha1' | 'sha256', key: Uint8Array): Buffer {
  // The length field is rewritten to end right after the integrity attribute (RFC 8489 §14.5).
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(attrOffset - HEADER_LENGTH + 4 + macLength, 0);
  return hmac(algorithm, key, [msg.raw.subarray(0, 2), len, msg.raw.subarray(4, attrOffset)]);
}

export type IntegrityCheck = 'valid' | 'invalid' | 'absent';

/** Verifies MESSAGE-INTEGRITY-SHA256 if present, else MESSAGE-INTEGRITY. */
export function verifyIntegrity(msg: StunMessage, key: Uint8Array): IntegrityCheck {
  const sha256 = getAttribute(msg, Attr.MessageIntegritySha256);
  if (sha256) {
    const n = sha256.value.length;
    if (n < 16 || n > 32 || n % 4 !== 0) return 'invalid';
    // The length field counts the attribute as sent, also when the MAC is truncated.
    const mac = macOver(msg, sha256.offset, n, 'sha256', key).subarray(0, n);
    return timingSafeEqual(mac, sha256.value) ? 'valid' : 'invalid';
  }
  const mi = getAttribute(msg, Attr.MessageIntegrity);
  if (!mi) return 'absent';
  if (mi.value.length !== 20) return 'invalid';
  return timingSafeEqual(macOver(msg, mi.offset, 20, 'sha1', key), mi.value) ? 'valid' : 'invalid';
}
