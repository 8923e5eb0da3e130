// Stateless nonces: "<expiry hex>.<mac>" where mac = HMAC-SHA256(server secret, expiry | client IP).
// The server keeps no per-client nonce state, and a nonce is useless from another address.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type NonceCheck = 'valid' | 'stale' | 'invalid';

export interface NonceMinter {
  mint(clientIp: string, nowMs: number): string;
  check(nonce: string, clientIp: string, nowMs: number): NonceCheck;
}

export function createNonceMinter(options: { lifetimeSeconds: number; secret?: Buffer }): NonceMinter {
  const secret = options.secret ?? randomBytes(32);
  const mac = (expiryHex: string, ip: string) =>
    createHmac('sha256', secret).update(expiryHex).update('|').update(ip).digest('base64url').slice(0, 22);
  return {
    mint(clientIp, nowMs) {
      const expiryHex = Math.floor(nowMs / 1000 + options.lifetimeSeconds).toString(16);
      return `${expiryHex}.${mac(expiryHex, clientIp)}`;
    },
    check(nonce, clientIp, nowMs) {
      const dot = nonce.indexOf('.');
      if (dot <= 0 || dot > 12) return 'invalid';
      const expiryHex = nonce.slice(0, dot);
      if (!/^[0-9a-f]+$/.test(expiryHex)) return 'invalid';
      const expected = Buffer.from(mac(expiryHex, clientIp));
      const given = Buffer.from(nonce.slice(dot + 1));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
      return parseInt(expiryHex, 16) * 1000 > nowMs ? 'valid' : 'stale';
    },
  };
}
