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
  /** Chunks of a frame still incomplete, joined once when it is: a frame trickled in tiny reads costs linear, not quadratic, copying. */
  #waiting: Buffer[] = [];
  #waitingBytes = 0;
  /** Size of the incomplete frame at the start of the pending bytes, once its header is in. */
  #needed = 0;

  /** @param maxFrameBytes frames above this size close the connection (the sender is broken or hostile). */
  constructor(private maxFrameBytes: number) {}

  /** Changes the frame limit, e.g. raises it once the client has authenticated. */
  setLimit(maxFrameBytes: number): void {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes buffered but not yet framed. */
  get buffered(): number {
    return (this.#pending?.length ?? 0) + this.#waitingBytes;
  }

  /**
   * Feeds bytes and calls `onFrame` for each complete frame. Returns an error when the stream can't be
   * framed; the caller then closes the connection. Frames passed to `onFrame` may be views into the
   * chunk: consume them before the next push.
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): FramerError | undefined {
    if (this.#needed > 0 && this.buffered + chunk.length < this.#needed) {
      // Still short of the frame whose size we know: keep the chunk (copied: the caller may reuse it).
      this.#waiting.push(Buffer.from(chunk));
      this.#waitingBytes += chunk.length;
      return undefined;
    }
    const parts = [...(this.#pending ? [this.#pending] : []), ...this.#waiting, chunk];
    const buf = parts.length === 1 ? chunk : Buffer.concat(parts);
    this.#pending = undefined;
    this.#waiting = [];
    this.#waitingBytes = 0;
    this.#needed = 0;
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
        if (buf.length - pos < padded) {
          this.#needed = padded;
          break;
        }
        onFrame({ kind, bytes: buf.subarray(pos, pos + frameLength) });
        pos += padded;
        continue;
      } else {
        return 'not STUN or ChannelData';
      }
      if (frameLength > this.maxFrameBytes) return 'frame larger than the limit';
      if (buf.length - pos < frameLength) {
        this.#needed = frameLength;
        break;
      }
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
