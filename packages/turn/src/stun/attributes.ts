// Encoders and decoders of attribute values (RFC 8489 §14, RFC 8656 §18). Decoders return undefined
// on malformed input; the caller answers 400.
import { AddressFamily, ErrorReason, MAGIC_COOKIE } from './constants.ts';
import { formatIPv4, formatIPv6, parseIP, type TransportAddress } from './ip.ts';

const COOKIE_BYTES = Buffer.from([0x21, 0x12, 0xa4, 0x42]);

function decodeAddress(value: Buffer, xorWith: Uint8Array | undefined): TransportAddress | undefined {
  if (value.length < 8) return undefined;
  const family = value[1];
  let port = value.readUInt16BE(2);
  if (xorWith) port ^= MAGIC_COOKIE >>> 16;
  if (family === AddressFamily.IPv4) {
    if (value.length !== 8) return undefined;
    const b = Buffer.from(value.subarray(4, 8));
    if (xorWith) for (let i = 0; i < 4; i++) b[i]! ^= xorWith[i]!;
    return { family: 4, address: formatIPv4(b), port };
  }
  if (family === AddressFamily.IPv6) {
    if (value.length !== 20) return undefined;
    const b = Buffer.from(value.subarray(4, 20));
    if (xorWith) for (let i = 0; i < 16; i++) b[i]! ^= xorWith[i]!;
    return { family: 6, address: formatIPv6(b), port };
  }
  return undefined;
}

function encodeAddress(addr: TransportAddress, xorWith: Uint8Array | undefined): Buffer {
  const bytes = parseIP(addr.address);
  if (!bytes) throw new TypeError(`not an IP address: ${addr.address}`);
  const out = Buffer.alloc(4 + bytes.length);
  out[1] = bytes.length === 4 ? AddressFamily.IPv4 : AddressFamily.IPv6;
  out.writeUInt16BE(xorWith ? (addr.port ^ (MAGIC_COOKIE >>> 16)) & 0xffff : addr.port, 2);
  for (let i = 0; i < bytes.length; i++) out[4 + i] = xorWith ? bytes[i]! ^ xorWith[i]! : bytes[i]!;
  return out;
}

function xorKey(transactionId: Uint8Array): Buffer {
  return Buffer.concat([COOKIE_BYTES, transactionId]);
}

export const xorAddress = {
  decode: (value: Buffer, transactionId: Uint8Array) => decodeAddress(value, xorKey(transactionId)),
  encode: (addr: TransportAddress, transactionId: Uint8Array) => encodeAddress(addr, xorKey(transactionId)),
};

export const plainAddress = {
  decode: (value: Buffer) => decodeAddress(value, undefined),
  encode: (addr: TransportAddress) => encodeAddress(addr, undefined),
};

export interface ErrorCodeValue {
  code: number;
  reason: string;
}

export const errorCode = {
  encode(code: number, reason = ErrorReason[code] ?? ''): Buffer {
    const text = Buffer.from(reason, 'utf8').subarray(0, 763);
    const out = Buffer.alloc(4 + text.length);
    out[2] = Math.floor(code / 100) & 0x07;
    out[3] = code % 100;
    text.copy(out, 4);
    return out;
  },
  decode(value: Buffer): ErrorCodeValue | undefined {
    if (value.length < 4) return undefined;
    const cls = value[2]! & 0x07;
    const num = value[3]!;
    if (cls < 3 || cls > 6 || num > 99) return undefined;
    return { code: cls * 100 + num, reason: value.toString('utf8', 4) };
  },
};

export const unknownAttributes = {
  encode(types: readonly number[]): Buffer {
    const out = Buffer.alloc(types.length * 2);
    types.forEach((t, i) => out.writeUInt16BE(t, i * 2));
    return out;
  },
  decode(value: Buffer): number[] | undefined {
    if (value.length % 2 !== 0) return undefined;
    const out: number[] = [];
    for (let i = 0; i < value.length; i += 2) out.push(value.readUInt16BE(i));
    return out;
  },
};

export const u32 = {
  encode(n: number): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(n >>> 0, 0);
    return out;
  },
  decode(value: Buffer): number | undefined {
    return value.length === 4 ? value.readUInt32BE(0) : undefined;
  },
};

/** Text attributes with a maximum length in bytes (USERNAME 513, REALM/NONCE/SOFTWARE 763 chars ≈ bytes). */
export const text = {
  encode(s: string): Buffer {
    return Buffer.from(s, 'utf8');
  },
  decode(value: Buffer, maxBytes: number): string | undefined {
    if (value.length > maxBytes) return undefined;
    const s = value.toString('utf8');
    // Reject invalid UTF-8 (decoded as U+FFFD) rather than authenticate a mangled name.
    if (s.includes('\uFFFD')) return undefined;
    return s;
  },
};

export const MAX_USERNAME_BYTES = 513;
export const MAX_REALM_BYTES = 763;
export const MAX_NONCE_BYTES = 763;
