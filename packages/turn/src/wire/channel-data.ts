// ChannelData messages (RFC 8656 §12.4): 2-byte channel number, 2-byte length, application data.
// Over TCP/TLS the message is padded to a multiple of 4 bytes; over UDP padding is optional.

export const MIN_CHANNEL = 0x4000;
/**
 * RFC 8656 narrowed channels to 0x4000–0x4FFF, but RFC 5766 clients (coturn's turnutils among
 * them) use up to 0x7FFF, and those numbers can't be mistaken for STUN. Accepted, like coturn does.
 */
export const MAX_CHANNEL = 0x7fff;
export const CHANNEL_DATA_HEADER = 4;

export function isChannelNumber(n: number): boolean {
  return n >= MIN_CHANNEL && n <= MAX_CHANNEL;
}

/** First byte 0b01xxxxxx marks ChannelData; STUN starts with 0b00. */
export function looksLikeChannelData(buf: Uint8Array): boolean {
  return buf.length >= CHANNEL_DATA_HEADER && (buf[0]! & 0xc0) === 0x40;
}

export interface ChannelDataView {
  channel: number;
  /** A view into the input: no copy. */
  data: Buffer;
}

/** Decodes a datagram-carried ChannelData message; undefined when malformed. */
export function decodeChannelData(buf: Buffer): ChannelDataView | undefined {
  if (buf.length < CHANNEL_DATA_HEADER) return undefined;
  const channel = buf.readUInt16BE(0);
  if (!isChannelNumber(channel)) return undefined;
  const length = buf.readUInt16BE(2);
  if (CHANNEL_DATA_HEADER + length > buf.length) return undefined;
  return { channel, data: buf.subarray(CHANNEL_DATA_HEADER, CHANNEL_DATA_HEADER + length) };
}

/** Writes the 4-byte header into `header` (reused by the relay path to avoid an allocation). */
export function writeChannelDataHeader(header: Buffer, channel: number, length: number): void {
  header.writeUInt16BE(channel, 0);
  header.writeUInt16BE(length, 2);
}

/** Number of padding bytes a stream transport adds after a ChannelData payload of `length`. */
export function streamPadding(length: number): number {
  return (4 - (length % 4)) % 4;
}

export function encodeChannelData(channel: number, data: Uint8Array, padForStream: boolean): Buffer {
  const pad = padForStream ? streamPadding(data.length) : 0;
  // Not zero-filled (a relayed packet is written whole right away); only the padding is zeroed.
  const out = Buffer.allocUnsafe(CHANNEL_DATA_HEADER + data.length + pad);
  writeChannelDataHeader(out, channel, data.length);
  out.set(data, CHANNEL_DATA_HEADER);
  if (pad > 0) out.fill(0, CHANNEL_DATA_HEADER + data.length);
  return out;
}
