// A stream: one publisher under a name and the players of that name. It forwards RTP, answers
// players' NACKs from its retransmission cache, and coalesces key-frame requests, so a burst of
// joining players or PLIs costs the publisher one PLI.
import type { StreamStatus } from '@traverse/protocol/constants';
import type { RTCRtpCodecParameters, RtpPacket } from 'werift';
import { RetransmissionCache } from './retransmission-cache.ts';
import type { Player } from './player.ts';
import type { MediaStats } from './types.ts';
import { readH264SpsSize } from './h264-sps.ts';
import { newVideoCounters, readVp8KeyFrameSize } from './video-counters.ts';

/**
 * A joining player is started from the latest key frame when that frame is at most this old: it
 * decodes at once instead of waiting a round trip for a new one, and plays at most this far behind
 * for its first moments.
 */
export const DEFAULT_KEY_FRAME_REPLAY_MS = 300;
/** How long after a player connects its replay goes out: its side of DTLS finishes meanwhile. */
const KEY_FRAME_REPLAY_DELAY_MS = 10;
/** Packets kept from the latest key frame on (a key frame and 300 ms of video at a few Mbps). */
const KEY_FRAME_REPLAY_PACKETS = 400;

/**
 * Where a stream's media comes from: a browser's Publisher, or a relay from the process or node where
 * the stream was published (MediaServer.relayIn).
 */
export interface StreamSource {
  readonly id: string;
  readonly videoCodec: RTCRtpCodecParameters | undefined;
  readonly hasAudio: boolean;
  readonly status: StreamStatus;
  readonly connectedAt: number | undefined;
  /** Asks the source for a key frame; false when there is no video to ask for. */
  requestKeyFrame(): boolean;
}

/**
 * A stream's media carried on to another process or node, once per stream (MediaServer.relayOut). It
 * gets every packet as forwarded, without the key-frame replay a joining player gets.
 */
export interface RelaySink {
  send(kind: 'audio' | 'video', rtp: RtpPacket): void;
  /** A packet the far side reported lost, again. */
  resend(rtp: RtpPacket): void;
  /** The stream ended here (its publisher left, or it was terminated). */
  end(info: string): void;
}

export class Stream {
  readonly players = new Set<Player>();
  readonly relays = new Set<RelaySink>();
  /** The latest key frame's packets and those since, while it is young enough to start a player from. */
  #sinceKeyFrame: RtpPacket[] = [];
  /** Players waiting for their replay: live packets are held back from them until it is sent. */
  readonly #starting = new Set<Player>();
  #keyFrameAt = 0;
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
    readonly publisher: StreamSource,
    private readonly stats: MediaStats,
    private readonly keyFrameIntervalMs: number,
    private readonly keyFrameReplayMs = DEFAULT_KEY_FRAME_REPLAY_MS,
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
      if (this.#readSize?.(rtp.payload, this.counters)) {
        this.#sinceKeyFrame = [rtp];
        this.#keyFrameAt = performance.now();
      } else if (this.#sinceKeyFrame.length > 0) {
        if (this.#sinceKeyFrame.length < KEY_FRAME_REPLAY_PACKETS && performance.now() - this.#keyFrameAt <= this.keyFrameReplayMs) this.#sinceKeyFrame.push(rtp);
        else this.#sinceKeyFrame = [];
      }
    }
    if (this.#starting.size === 0) {
      for (const player of this.players) player.send(kind, rtp);
    } else {
      for (const player of this.players) if (!this.#starting.has(player)) player.send(kind, rtp);
    }
    for (const relay of this.relays) relay.send(kind, rtp);
  }

  /** Resends to one player the video packets it reports lost, those still in the cache. */
  retransmit(player: { resend(rtp: RtpPacket): void }, lost: readonly number[]): void {
    for (const sequenceNumber of lost) {
      const rtp = this.#recentVideo.get(sequenceNumber);
      if (rtp) player.resend(rtp);
    }
  }

  /**
   * A player that just connected decodes nothing before a key frame (research/webrtc-stack.md §5
   * quirk 5): it gets the latest one and the packets since when that is young, a moment later (a
   * browser drops SRTP that arrives before it has finished its side of DTLS: Firefox over ICE-TCP then
   * decoded nothing until the next key frame); its live packets wait until then, so it gets them in
   * order. The publisher is asked for a new key frame as well.
   */
  startPlayer(player: Player): void {
    this.requestKeyFrame();
    if (this.#sinceKeyFrame.length === 0 || performance.now() - this.#keyFrameAt > this.keyFrameReplayMs) return;
    this.#starting.add(player);
    setTimeout(() => {
      this.#starting.delete(player);
      // The cache now runs from the latest key frame to the last packet forwarded: no gap before live ones.
      for (const rtp of this.#sinceKeyFrame) player.send('video', rtp);
    }, KEY_FRAME_REPLAY_DELAY_MS);
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
