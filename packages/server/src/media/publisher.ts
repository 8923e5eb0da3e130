// A publisher: the browser sends audio/video, the server receives it and hands every RTP packet to
// its stream, which forwards it to the players.
import { STREAM_STATUS_INFO } from '@traverse/protocol/constants';
import type { RTCRtpCodecParameters, RTCRtpReceiver, RtpPacket } from 'werift';
import { codecName, h264, opus, vp8 } from './codecs.ts';
import { h264Profile, offerShapeProblem, summarizeOffer } from './offer.ts';
import { createPeerConnection, type MediaNetworkOptions } from './peer-factory.ts';
import { MediaSession, type SessionTimeouts } from './session.ts';
import { MediaError, type SessionRequest } from './types.ts';

export interface PublisherHooks {
  onRtp(kind: 'audio' | 'video', rtp: RtpPacket): void;
  onConnected(): void;
  onClosed(): void;
}

/** The first video codec of the offer that Traverse forwards (VP8, or H.264 packetization-mode 1). */
export function chooseVideoCodec(offer: NonNullable<ReturnType<typeof summarizeOffer>>): RTCRtpCodecParameters | undefined {
  for (const c of offer.videoCodecs) {
    if (c.name === 'VP8') return vp8();
    if (c.name === 'H264') {
      const profile = h264Profile(c.fmtp);
      if (profile) return h264(profile);
    }
  }
  return undefined;
}

export class Publisher extends MediaSession {
  readonly kind = 'publish' as const;
  #videoReceiver: RTCRtpReceiver | undefined;
  #videoSsrc: number | undefined;

  private constructor(
    request: SessionRequest,
    network: MediaNetworkOptions,
    timeouts: SessionTimeouts,
    readonly videoCodec: RTCRtpCodecParameters | undefined,
    readonly hasAudio: boolean,
    private readonly hooks: PublisherHooks,
  ) {
    super(request, createPeerConnection(network, { audio: hasAudio ? [opus()] : [], video: videoCodec ? [videoCodec] : [] }), network, timeouts);
  }

  /** Validates the offer and builds the publisher; throws MediaError with a WCS info string. */
  static create(request: SessionRequest, network: MediaNetworkOptions, timeouts: SessionTimeouts, hooks: PublisherHooks): Publisher {
    const offer = summarizeOffer(request.sdp);
    if (!offer) throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, 'the offer is not an SDP');
    const shape = offerShapeProblem(offer);
    if (shape) throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, shape);
    const video = offer.video ? chooseVideoCodec(offer) : undefined;
    const audio = offer.audio && offer.audioCodecs.includes('opus');
    if (!video && !audio) throw new MediaError(STREAM_STATUS_INFO.NO_COMMON_CODECS, 'no Opus audio and no VP8/H.264 video in the offer');
    return new Publisher(request, network, timeouts, video, audio, hooks);
  }

  async start(): Promise<string> {
    this.pc.onTrack.subscribe((track) => {
      const kind = track.kind === 'video' ? 'video' : 'audio';
      if (kind === 'video') {
        this.#videoSsrc = track.ssrc;
        this.#videoReceiver = this.pc.getTransceivers().find((t) => t.kind === 'video')?.receiver;
      }
      track.onReceiveRtp.subscribe((rtp) => {
        if (kind === 'video' && this.#videoSsrc === undefined) this.#videoSsrc = rtp.header.ssrc;
        this.hooks.onRtp(kind, rtp);
      });
    });
    return this.answer(() => {
      for (const t of this.pc.getTransceivers()) t.setDirection('recvonly');
    });
  }

  /** Sends a PLI to the browser; returns false when there is no video to ask for. */
  requestKeyFrame(): boolean {
    if (!this.#videoReceiver || this.#videoSsrc === undefined || this.closed) return false;
    this.#videoReceiver.sendRtcpPLI(this.#videoSsrc).catch(() => undefined);
    return true;
  }

  protected onConnected(): void {
    this.hooks.onConnected();
  }

  protected onClosed(): void {
    this.hooks.onClosed();
  }

  protected codecs() {
    return { ...(this.hasAudio ? { audio: 'opus' } : {}), ...(this.videoCodec ? { video: codecName(this.videoCodec)! } : {}) };
  }
}
