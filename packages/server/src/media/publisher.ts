// A publisher: the browser sends audio/video, the server receives it and hands every RTP packet to
// its stream, which forwards it to the players.
import { STREAM_STATUS_INFO } from '@traverse/protocol/constants';
import type { RTCRtpCodecParameters, RTCRtpReceiver, RtpPacket } from 'werift';
import { chooseAudio, choosePublisherVideo, codecName, noCommonCodecs, opus, publisherCodecProblem } from './codecs.ts';
import { narrowOffer, offerShapeProblem, summarizeOffer } from './offer.ts';
import { createPeerConnection, type MediaNetworkOptions } from './peer-factory.ts';
import { MediaSession, type SessionTimeouts } from './session.ts';
import { MediaError, type SessionRequest } from './types.ts';

export interface PublisherHooks {
  onRtp(kind: 'audio' | 'video', rtp: RtpPacket): void;
  onConnected(): void;
  onClosed(): void;
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
    // Every section the browser offers must get a codec: a stream silently without the video the
    // page asked for would report PUBLISHING and show nothing.
    const video = offer.video ? choosePublisherVideo(offer.videoCodecs) : undefined;
    if (offer.video && !video) throw noCommonCodecs(publisherCodecProblem('video', offer.videoCodecs));
    const audio = offer.audio ? chooseAudio(offer.audioCodecs) : undefined;
    if (offer.audio && !audio) throw noCommonCodecs(publisherCodecProblem('audio', offer.audioCodecs));
    if (!video && !audio) throw noCommonCodecs('the offer has no audio or video section');
    const narrowed = { ...request, sdp: narrowOffer(request.sdp, { audio: audio?.payloadType, video: video?.payloadType }) };
    return new Publisher(narrowed, network, timeouts, video?.codec, audio !== undefined, hooks);
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

