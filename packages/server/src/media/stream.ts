// A stream: one publisher under a name and the players of that name. It forwards RTP, answers
// players' NACKs from its retransmission cache, and coalesces key-frame requests, so a burst of
// joining players or PLIs costs the publisher one PLI.
import type { RtpPacket } from 'werift';
import { RetransmissionCache } from './retransmission-cache.ts';
import type { Player } from './player.ts';
import type { Publisher } from './publisher.ts';
import type { MediaStats } from './types.ts';
import { readH264SpsSize } from './h264-sps.ts';
import { newVideoCounters, readVp8KeyFrameSize } from './video-counters.ts';

export class Stream {
  readonly players = new Set<Player>();
  #lastKeyFrameRequest = 0;
  #pendingKeyFrame: NodeJS.Timeout | undefined;
  readonly #recentVideo = new RetransmissionCache<RtpPacket>();
  /** Read once a second by the dashboard. */
  readonly counters = newVideoCounters();
  #lastVideoTimestamp = -1;
  /** Where the picture size is read from: VP8 key frames or H.264 SPS. */
  readonly #readSize: ((payload: Uint8Array, into: { width: number; height: number }) => boolean) | undefined;

  constructor(
    readonly name: string,
    readonly publisher: Publisher,
    private readonly stats: MediaStats,
    private readonly keyFrameIntervalMs: number,
  ) {
    const mime = publisher.videoCodec?.mimeType.toLowerCase();
    this.#readSize = mime === 'video/vp8' ? readVp8KeyFrameSize : mime === 'video/h264' ? readH264SpsSize : undefined;
  }

  forward(kind: 'audio' | 'video', rtp: RtpPacket): void {
    this.stats.rtpPacketsIn++;
    this.stats.rtpBytesIn += rtp.payload.length + 12;
    this.counters.bytes += rtp.payload.length + 12;
    if (kind === 'video') {
      this.#recentVideo.put(rtp);
      if (rtp.header.timestamp !== this.#lastVideoTimestamp) {
        this.#lastVideoTimestamp = rtp.header.timestamp;
        this.counters.frames++;
      }
      this.#readSize?.(rtp.payload, this.counters);
    }
    for (const player of this.players) player.send(kind, rtp);
  }

  /** Resends to one player the video packets it reports lost, those still in the cache. */
  retransmit(player: Player, lost: readonly number[]): void {
    for (const sequenceNumber of lost) {
      const rtp = this.#recentVideo.get(sequenceNumber);
      if (rtp) player.resend(rtp);
    }
  }

  /** Asks the publisher for a key frame now, or once the coalescing interval has passed. */
  requestKeyFrame(): void {
    if (this.#pendingKeyFrame) return;
    const wait = this.#lastKeyFrameRequest + this.keyFrameIntervalMs - Date.now();
    const send = () => {
      this.#pendingKeyFrame = undefined;
      this.#lastKeyFrameRequest = Date.now();
      if (this.publisher.requestKeyFrame()) this.stats.keyFrameRequests++;
    };
    if (wait <= 0) send();
    else this.#pendingKeyFrame = setTimeout(send, wait);
  }

  close(): void {
    clearTimeout(this.#pendingKeyFrame);
    this.#pendingKeyFrame = undefined;
  }
}
