// A player: the server sends a stream's audio/video to one browser. Its peer connection offers
// exactly the publisher's codecs, so payload types map one to one.
import { STREAM_STATUS, STREAM_STATUS_INFO } from '@traverse/protocol/constants';
import { MediaStream, MediaStreamTrack, RtcpPayloadSpecificFeedback, RtcpRrPacket, RtcpSrPacket, type RTCRtpCodecParameters, type RTCRtpSender, type RtpPacket } from 'werift';
import { chooseAudio, codecName, describeCodec, matchPlayerVideo, noCommonCodecs } from './codecs.ts';
import { codecNames, narrowOffer, offerShapeProblem, summarizeOffer } from './offer.ts';
import { createPeerConnection, type MediaNetworkOptions } from './peer-factory.ts';
import { TokenBucket } from '../common/token-bucket.ts';
import { applyReport, type LinkQuality } from './receiver-reports.ts';
import { RtpForwarder } from './rtp-forwarder.ts';
import { MediaSession, type SessionTimeouts } from './session.ts';
import { MediaError, type SessionRequest } from './types.ts';

/** RTCP payload-specific feedback format of a Full Intra Request (RFC 5104 §4.3.1). */
const FIR_FORMAT = 4;

/**
 * Retransmissions one player may ask for per second (and at once). A real player losing a tenth of
 * 2.5 Mbps video asks ~25/s; the bound keeps a hostile player's NACKs from turning the server into
 * an amplifier.
 */
const RETRANSMISSIONS_PER_SECOND = 200;

export interface PlayerHooks {
  onConnected(): void;
  onClosed(): void;
  onKeyFrameRequest(): void;
  /** The player lost these video sequence numbers. */
  onNack(lost: number[]): void;
  onSent(bytes: number): void;
}

export class Player extends MediaSession {
  readonly kind = 'play' as const;
  #audio: RtpForwarder | undefined;
  #video: RtpForwarder | undefined;
  #videoSender: RTCRtpSender | undefined;
  readonly #retransmissions = new TokenBucket(RETRANSMISSIONS_PER_SECOND, RETRANSMISSIONS_PER_SECOND, Date.now());
  /** RTP bytes sent to this player, read once a second by the dashboard. */
  bytesSent = 0;
  /** From the browser's receiver reports on the video (else audio) it gets. */
  readonly link: LinkQuality = { rttMs: undefined, lossFraction: undefined };

  private constructor(
    request: SessionRequest,
    network: MediaNetworkOptions,
    timeouts: SessionTimeouts,
    private readonly source: { videoCodec: RTCRtpCodecParameters | undefined; hasAudio: boolean },
    codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] },
    private readonly hooks: PlayerHooks,
  ) {
    super(request, createPeerConnection(network, codecs), network, timeouts);
  }

  static create(request: SessionRequest, network: MediaNetworkOptions, timeouts: SessionTimeouts,
    source: { videoCodec: RTCRtpCodecParameters | undefined; hasAudio: boolean }, hooks: PlayerHooks): Player {
    const offer = summarizeOffer(request.sdp);
    if (!offer) throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, 'the offer is not an SDP');
    const shape = offerShapeProblem(offer);
    if (shape) throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, shape);
    // A player that asks for video gets the stream's video or FAILED, never a silent audio-only PLAYING.
    // A stream without video (or audio) simply leaves that section of the player's offer rejected.
    const video = source.videoCodec && offer.video ? matchPlayerVideo(offer.videoCodecs, source.videoCodec) : undefined;
    if (source.videoCodec && offer.video && !video) {
      throw noCommonCodecs(`the stream is ${describeCodec(source.videoCodec)} video and the player's offer has ${codecNames(offer.videoCodecs)}`);
    }
    const audio = source.hasAudio && offer.audio ? chooseAudio(offer.audioCodecs) : undefined;
    if (source.hasAudio && offer.audio && !audio) throw noCommonCodecs(`the stream is opus audio and the player's offer has ${codecNames(offer.audioCodecs)}`);
    if (!video && !audio) throw noCommonCodecs('the player\'s offer has none of the stream\'s media');
    const narrowed = { ...request, sdp: narrowOffer(request.sdp, { audio: audio?.payloadType, video: video?.payloadType }) };
    return new Player(narrowed, network, timeouts, source, { audio: audio ? [audio.codec] : [], video: video ? [video.codec] : [] }, hooks);
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
          this.#video = new RtpForwarder(t.sender);
          this.#videoSender = t.sender;
          t.sender.onPictureLossIndication.subscribe(() => this.hooks.onKeyFrameRequest());
          t.sender.onGenericNack.subscribe((nack) => this.hooks.onNack(nack.lost));
        } else if (t.kind === 'audio') {
          this.#audio = new RtpForwarder(t.sender);
        }
      }
    });
  }

  /** Forwards one of the publisher's RTP packets (or resends one the player lost). */
  send(kind: 'audio' | 'video', rtp: RtpPacket): void {
    if (this.status !== STREAM_STATUS.PLAYING) return;
    const bytes = (kind === 'video' ? this.#video : this.#audio)?.send(rtp) ?? 0;
    if (bytes > 0) {
      this.bytesSent += bytes;
      this.hooks.onSent(bytes);
    }
  }

  /** Sends again a video packet the player reported lost, within its retransmission budget. */
  resend(rtp: RtpPacket): void {
    if (this.#retransmissions.take(Date.now())) this.send('video', rtp);
  }

  protected onConnected(): void {
    this.#watchFullIntraRequests();
    this.#watchReceiverReports();
    this.hooks.onConnected();
  }

  /**
   * werift's senders handle PLI but not FIR (RFC 5104), which the answer also offers; and a FIR names
   * its target in the FCI with media SSRC 0, so werift routes it to no sender: read it off the transport.
   */
  #watchFullIntraRequests(): void {
    const sender = this.#videoSender;
    sender?.dtlsTransport.onRtcp.subscribe((rtcp) => {
      if (rtcp.type !== RtcpPayloadSpecificFeedback.type || rtcp.feedback.count !== FIR_FORMAT) return;
      const entries = (rtcp.feedback as { fir?: { ssrc: number }[] }).fir ?? [];
      if (entries.some((e) => e.ssrc === sender.ssrc)) this.hooks.onKeyFrameRequest();
    });
  }

  /** RTT and loss from the reports about the SSRC we send video on (audio when there is no video). About one per second. */
  #watchReceiverReports(): void {
    const forwarder = this.#video ?? this.#audio;
    const sender = this.#videoSender ?? this.pc.getTransceivers().find((t) => t.kind === 'audio')?.sender;
    if (!forwarder || !sender) return;
    sender.dtlsTransport.onRtcp.subscribe((rtcp) => {
      if (rtcp.type !== RtcpRrPacket.type && rtcp.type !== RtcpSrPacket.type) return;
      for (const report of (rtcp as RtcpRrPacket | RtcpSrPacket).reports) {
        if (report.ssrc === sender.ssrc) applyReport(this.link, Date.now(), report, forwarder.lastReport);
      }
    });
  }

  protected onClosed(): void {
    this.#audio?.close();
    this.#video?.close();
    this.hooks.onClosed();
  }

  protected codecs() {
    return { ...(this.source.hasAudio ? { audio: 'opus' } : {}), ...(this.source.videoCodec ? { video: codecName(this.source.videoCodec)! } : {}) };
  }
}
