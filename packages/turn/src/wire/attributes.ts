// TURN attribute values (RFC 8656 §18) beyond the generic STUN encoders.

/** IANA protocol number carried by REQUESTED-TRANSPORT; TURN here relays UDP only. */
export const PROTOCOL_UDP = 17;

export const channelNumber = {
  encode(channel: number): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt16BE(channel, 0);
    return out;
  },
  decode(value: Buffer): number | undefined {
    return value.length === 4 ? value.readUInt16BE(0) : undefined;
  },
};

export const requestedTransport = {
  encode(protocol: number): Buffer {
    return Buffer.from([protocol, 0, 0, 0]);
  },
  decode(value: Buffer): number | undefined {
    return value.length === 4 ? value[0] : undefined;
  },
};

/** REQUESTED-ADDRESS-FAMILY: 0x01 IPv4, 0x02 IPv6. */
export const requestedAddressFamily = {
  encode(family: 4 | 6): Buffer {
    return Buffer.from([family === 4 ? 0x01 : 0x02, 0, 0, 0]);
  },
  decode(value: Buffer): 4 | 6 | 'unknown' | undefined {
    if (value.length !== 4) return undefined;
    return value[0] === 0x01 ? 4 : value[0] === 0x02 ? 6 : 'unknown';
  },
};

/** EVEN-PORT: one byte, the R bit asks to reserve the next port too (the other bits are ignored). */
export const evenPort = {
  encode(reserveNext: boolean): Buffer {
    return Buffer.from([reserveNext ? 0x80 : 0]);
  },
  decode(value: Buffer): { reserveNext: boolean } | undefined {
    return value.length >= 1 ? { reserveNext: (value[0]! & 0x80) !== 0 } : undefined;
  },
};

/** RESERVATION-TOKEN (RFC 8656 §14.9): exactly 8 opaque bytes. */
export const reservationToken = {
  LENGTH: 8,
  encode(token: Buffer): Buffer {
    if (token.length !== 8) throw new RangeError('a RESERVATION-TOKEN is 8 bytes');
    return Buffer.from(token);
  },
  decode(value: Buffer): Buffer | undefined {
    return value.length === 8 ? Buffer.from(value) : undefined;
  },
};
