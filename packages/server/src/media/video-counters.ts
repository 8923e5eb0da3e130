// What the dashboard shows of a publisher's video, counted on the forwarding path: bytes, frames
// (distinct RTP timestamps) and the size VP8 key frames announce. O(1) per packet, no allocation:
// a few byte reads on the first packet of a key frame only.

export interface VideoCounters {
  /** RTP bytes received (audio and video, header included). */
  bytes: number;
  /** Video frames: RTP timestamps seen that differ from the previous packet's. */
  frames: number;
  /** From the last VP8 key frame or H.264 SPS; 0 while unknown. */
  width: number;
  height: number;
}

export function newVideoCounters(): VideoCounters {
  return { bytes: 0, frames: 0, width: 0, height: 0 };
}

/**
 * The picture size of a VP8 key frame whose first packet this is (RFC 7741 §4.2 payload descriptor,
 * RFC 6386 §9.1 frame header), written into `into`; false when the packet does not start a key frame.
 */
export function readVp8KeyFrameSize(payload: Uint8Array, into: { width: number; height: number }): boolean {
  if (payload.length < 1) return false;
  const first = payload[0]!;
  const startOfPartition = (first & 0x10) !== 0;
  const partitionIndex = first & 0x07;
  if (!startOfPartition || partitionIndex !== 0) return false;
  let offset = 1;
  if (first & 0x80) {
    // Extension byte: I (picture id), L (TL0PICIDX), T/K (TID/KEYIDX) each add bytes.
    const extension = payload[offset++];
    if (extension === undefined) return false;
    if (extension & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1;
    if (extension & 0x40) offset++;
    if (extension & 0x30) offset++;
  }
  // VP8 payload header: P bit 0 = key frame; then 3 bytes of frame tag, start code 9d 01 2a, sizes.
  if (payload.length < offset + 10) return false;
  if ((payload[offset]! & 0x01) !== 0) return false;
  if (payload[offset + 3] !== 0x9d || payload[offset + 4] !== 0x01 || payload[offset + 5] !== 0x2a) return false;
  into.width = (payload[offset + 6]! | (payload[offset + 7]! << 8)) & 0x3fff;
  into.height = (payload[offset + 8]! | (payload[offset + 9]! << 8)) & 0x3fff;
  return true;
}
