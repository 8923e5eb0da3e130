// A player: the server sends a stream's audio/video to one browser. Its peer connection offers
// exactly the publisher's codecs, so payload types map one to one.
import { STREAM_STATUS, STREAM_STATUS_INFO } from '@traverse/protocol/constants';
import { MediaStream, MediaStreamTrack, type RTCRtpCodecParameters, type RTCRtpSender, type RtpPacket } from 'werift';
import { codecName, playerCodecs } from './codecs.ts';
import { summarizeOffer } from './offer.ts';
import { createPeerConnection, type MediaNetworkOptions } from './peer-factory.ts';
import { MediaSession, type SessionTimeouts } from './session.ts';
import { MediaError, type SessionRequest } from './types.ts';

export interface PlayerHooks {
  onConnected(): void;
  onClosed(): void;
  onKeyFrameRequest(): void;
  onNack(): void;
  onSent(bytes: number): void;
}

export class Player extends MediaSession {
  readonly kind = 'play' as const;
  #audio: RTCRtpSender | undefined;
  #video: RTCRtpSender | undefined;

  private constructor(
    request: SessionRequest,
    network: MediaNetworkOptions,
    timeouts: SessionTimeouts,
    private readonly source: { videoCodec: RTCRtpCodecParameters | undefined; hasAudio: boolean },
    private readonly hooks: PlayerHooks,
  ) {
    super(request, createPeerConnection(network, playerCodecs(source.videoCodec)), network, timeouts);
  }

  static create(request: SessionRequest, network: MediaNetworkOptions, timeouts: SessionTimeouts,
    source: { videoCodec: RTCRtpCodecParameters | undefined; hasAudio: boolean }, hooks: PlayerHooks): Player {
    const offer = summarizeOffer(request.sdp);
    if (!offer) throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, 'the offer is not an SDP');
    const videoOk = source.videoCodec && offer.videoCodecs.some((c) => c.name === codecName(source.videoCodec)?.toUpperCase());
    const audioOk = source.hasAudio && offer.audioCodecs.includes('opus');
    if (!videoOk && !audioOk) throw new MediaError(STREAM_STATUS_INFO.NO_COMMON_CODECS, 'the player accepts none of the stream\'s codecs');
    return new Player(request, network, timeouts, source, hooks);
  }

  async start(): Promise<string> {
    // One media stream for audio and video, so the browser's ontrack gets them in streams[0].
    const mediaStream = new MediaStream({ id: `traverse-${this.id.replace(/[^\w-]/g, '').slice(0, 40) || 'stream'}` });
    return this.answer(async () => {
      for (const t of this.pc.getTransceivers()) {
        t.setDirection('sendonly');
        // The track and stream give the answer its a=msid line; media goes through the sender directly.
        await t.sender.replaceTrack(new MediaStreamTrack({ kind: t.kind }));
        t.sender.setStreams([mediaStream]);
        if (t.kind === 'video') {
          this.#video = t.sender;
          t.sender.onPictureLossIndication.subscribe(() => this.hooks.onKeyFrameRequest());
          t.sender.onGenericNack.subscribe(() => this.hooks.onNack());
        } else if (t.kind === 'audio') {
          this.#audio = t.sender;
        }
      }
    });
  }

  /** Forwards one of the publisher's RTP packets. werift rewrites SSRC, payload type and sequence. */
  send(kind: 'audio' | 'video', rtp: RtpPacket): void {
    if (this.status !== STREAM_STATUS.PLAYING) return;
    const sender = kind === 'video' ? this.#video : this.#audio;
    if (!sender) return;
    sender.sendRtp(rtp).catch(() => undefined);
    this.hooks.onSent(rtp.payload.length + 12);
  }

  protected onConnected(): void {
    this.hooks.onConnected();
  }

  protected onClosed(): void {
    this.hooks.onClosed();
  }

  protected codecs() {
    return { ...(this.source.hasAudio ? { audio: 'opus' } : {}), ...(this.source.videoCodec ? { video: codecName(this.source.videoCodec)! } : {}) };
  }
}
