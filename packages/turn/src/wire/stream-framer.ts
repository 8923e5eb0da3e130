// Splits a TCP/TLS byte stream into STUN messages and ChannelData frames (RFC 8656 §5, §12.5):
// several frames may arrive in one read and one frame may be split across reads.

import { CHANNEL_DATA_HEADER, streamPadding } from './channel-data.ts';

const STUN_HEADER = 20;

export type Frame =
  | { kind: 'stun'; bytes: Buffer }
  /** `bytes` is the ChannelData message without its stream padding. */
  | { kind: 'channel-data'; bytes: Buffer };

export type FramerError = 'not STUN or ChannelData' | 'frame larger than the limit';

export class StreamFramer {
  #pending: Buffer | undefined;

  /** @param maxFrameBytes frames above this size close the connection (the sender is broken or hostile). */
  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes buffered but not yet framed. */
  get buffered(): number {
    return this.#pending?.length ?? 0;
  }

  /**
   * Feeds bytes and calls `onFrame` for each complete frame. Returns an error when the stream can't be
   * framed; the caller then closes the connection. Frames passed to `onFrame` may be views into the
   * chunk: consume them before the next push.
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): FramerError | undefined {
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let pos = 0;
    while (buf.length - pos >= 4) {
      const first = buf[pos]!;
      let frameLength: number;
      let kind: Frame['kind'];
      if ((first & 0xc0) === 0) {
        kind = 'stun';
        frameLength = STUN_HEADER + buf.readUInt16BE(pos + 2);
      } else if ((first & 0xc0) === 0x40) {
        kind = 'channel-data';
        const length = buf.readUInt16BE(pos + 2);
        frameLength = CHANNEL_DATA_HEADER + length;
        const padded = frameLength + streamPadding(length);
        if (padded > this.maxFrameBytes) return 'frame larger than the limit';
        if (buf.length - pos < padded) break;
        onFrame({ kind, bytes: buf.subarray(pos, pos + frameLength) });
        pos += padded;
        continue;
      } else {
        return 'not STUN or ChannelData';
      }
      if (frameLength > this.maxFrameBytes) return 'frame larger than the limit';
      if (buf.length - pos < frameLength) break;
      onFrame({ kind, bytes: buf.subarray(pos, pos + frameLength) });
      pos += frameLength;
    }
    if (pos < buf.length) {
      // Copy the remainder so a caller may reuse its read buffer.
      this.#pending = Buffer.from(buf.subarray(pos));
    }
    return undefined;
  }
}
