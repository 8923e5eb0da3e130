// werift peers playing the browser's part in tests and benchmarks: a publisher that sends generated
// VP8 and Opus RTP, and players that receive. They offer without waiting for candidates, as the
// stock Flashphoner SDK does, so the server has to learn them from ICE checks.
import {
  GenericNack, MediaStreamTrack, PictureLossIndication, RTCPeerConnection, RTCRtpCodecParameters, RtcpPayloadSpecificFeedback,
  RtcpSrPacket, RtcpTransportLayerFeedback, RtpHeader, RtpPacket, type RTCRtpReceiver,
} from 'werift';

const feedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }];
/** Video codecs a test peer offers: VP8, or H.264 (packetization-mode 1), with a chosen payload type. */
export type VideoCodec = { name: 'VP8' | 'H264'; payloadType: number };
function videoCodec(c: VideoCodec): RTCRtpCodecParameters {
  return c.name === 'VP8'
    ? new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: c.payloadType, rtcpFeedback: feedback })
    : new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, payloadType: c.payloadType, rtcpFeedback: feedback,
      parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' });
}
/** A 90 kHz RTP clock that runs with real time, whatever the packet rate, as a camera's does. */
const videoClock = () => Math.round(performance.now() * 90) >>> 0;
const opus = () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
const VP8_96: VideoCodec[] = [{ name: 'VP8', payloadType: 96 }];

function clientPc(address: string, video: VideoCodec[], tcp = false): RTCPeerConnection {
  return new RTCPeerConnection({
    // ICE-TCP: werift's active TCP candidates (a test that wants TCP only drops the answer's UDP candidates).
    ...(tcp ? { iceUseTcp: true } : {}),
    codecs: { audio: [opus()], video: video.map(videoCodec) },
    headerExtensions: { audio: [], video: [] },
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [address],
    // With werift's default bundling, the second ICE transport's socket is never closed once the
    // answer accepts BUNDLE (a werift leak that keeps the test process alive).
    bundlePolicy: 'max-bundle',
  });
}

/** The offer as the stock SDK sends it: right after setLocalDescription, no candidates. */
async function offerWithoutCandidates(pc: RTCPeerConnection): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  return pc.localDescription!.sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate') && l !== 'a=end-of-candidates').join('\r\n');
}

export class TestPublisher {
  readonly pc: RTCPeerConnection;
  readonly video = new MediaStreamTrack({ kind: 'video' });
  readonly audio = new MediaStreamTrack({ kind: 'audio' });
  pliCount = 0;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  sent = 0;
  private readonly payloadBytes: number;

  /**
   * @param options.payloadBytes size of each video payload (bytes 4–15 carry the index and the send time)
   * @param options.video the video codecs offered (VP8 payload type 96 by default)
   */
  constructor(options: { address?: string; payloadBytes?: number; video?: VideoCodec[]; tcp?: boolean } = {}) {
    this.payloadBytes = options.payloadBytes ?? 120;
    this.pc = clientPc(options.address ?? '127.0.0.1', options.video ?? VP8_96, options.tcp);
    this.pc.addTransceiver(this.audio, { direction: 'sendonly' });
    const video = this.pc.addTransceiver(this.video, { direction: 'sendonly' });
    video.sender.onPictureLossIndication.subscribe(() => this.pliCount++);
  }

  offer(): Promise<string> {
    return offerWithoutCandidates(this.pc);
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  /** Sends one VP8 packet whose payload carries `index`, and an Opus packet every third time. */
  sendOne(index: number): void {
    const seq = this.#seq++ & 0xffff;
    const payload = Buffer.alloc(Math.max(16, this.payloadBytes));
    payload[0] = 0x10; // VP8 payload descriptor: start of partition
    payload.writeUInt32BE(index, 4);
    payload.writeDoubleBE(performance.now(), 8);
    this.video.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: videoClock(), ssrc: 0x1234, marker: true }), payload));
    if (index % 3 === 0) {
      this.audio.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq, timestamp: index * 960, ssrc: 0x5678 }), Buffer.alloc(40, index & 0xff)));
    }
    this.sent++;
  }

  /**
   * Sends the first packet of a VP8 key frame (RFC 7741 descriptor, RFC 6386 frame tag with P = 0,
   * start code, 640×480) and returns its sequence number. A player keeping indexes reads its bytes
   * 4–7 (start code and width) as the index.
   */
  sendKeyFrame(): number {
    const seq = this.#seq++ & 0xffff;
    const payload = Buffer.alloc(Math.max(16, this.payloadBytes));
    payload.set([0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
    this.video.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: videoClock(), ssrc: 0x1234, marker: true }), payload));
    return seq;
  }

  /** Sends `count` packets as fast as the sockets keep up: a few, then a short pause. */
  async sendBurst(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      this.sendOne(this.sent);
      if (i % 16 === 15) await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Sends `perSecond` video packets a second until stopped. */
  startSending(perSecond = 50): void {
    let i = this.sent;
    this.#timer = setInterval(() => this.sendOne(i++), 1000 / perSecond);
  }

  stopSending(): void {
    clearInterval(this.#timer);
  }

  async close(): Promise<void> {
    this.stopSending();
    await this.pc.close();
  }
}

export class TestPlayer {
  readonly pc: RTCPeerConnection;
  /** Indexes carried by the video payloads, in arrival order. */
  readonly videoIndexes: number[] = [];
  readonly videoSeqs: number[] = [];
  /** Milliseconds from the publisher's send to arrival here (same process, same clock). */
  readonly latencies: number[] = [];
  /** Payload types of the video packets received. */
  readonly videoPayloadTypes = new Set<number>();
  videoSsrc: number | undefined;
  /** RTCP sender reports received for the video track: [NTP time in ms, RTP timestamp]. */
  readonly videoSenderReports: [number, number][] = [];
  videoPackets = 0;
  audioPackets = 0;
  private readonly keepIndexes: boolean;
  readonly #videoReceiver: RTCRtpReceiver;

  /**
   * @param options.keepIndexes false for load runs: count and time packets without keeping every index
   * @param options.video the video codecs offered (VP8 payload type 96 by default)
   */
  constructor(options: { address?: string; keepIndexes?: boolean; video?: VideoCodec[]; tcp?: boolean } = {}) {
    this.keepIndexes = options.keepIndexes ?? true;
    this.pc = clientPc(options.address ?? '127.0.0.1', options.video ?? VP8_96, options.tcp);
    this.pc.addTransceiver('audio', { direction: 'recvonly' });
    this.#videoReceiver = this.pc.addTransceiver('video', { direction: 'recvonly' }).receiver;
    this.#videoReceiver.onRtcp.subscribe((rtcp) => {
      if (rtcp.type !== RtcpSrPacket.type || (rtcp as RtcpSrPacket).ssrc !== this.videoSsrc) return;
      const info = (rtcp as RtcpSrPacket).senderInfo;
      const ntp = info.ntpTimestamp;
      this.videoSenderReports.push([(Number(ntp >> 32n) - 2_208_988_800) * 1000 + (Number(ntp & 0xffffffffn) / 2 ** 32) * 1000, info.rtpTimestamp]);
    });
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        if (track.kind === 'video') {
          this.videoPackets++;
          this.videoSsrc = rtp.header.ssrc;
          this.videoPayloadTypes.add(rtp.header.payloadType);
          if (this.keepIndexes) {
            this.videoIndexes.push(rtp.payload.readUInt32BE(4));
            this.videoSeqs.push(rtp.header.sequenceNumber);
          } else if (this.videoPackets % 10 === 0) {
            this.latencies.push(performance.now() - rtp.payload.readDoubleBE(8));
          }
        } else {
          this.audioPackets++;
        }
      });
    });
  }

  offer(): Promise<string> {
    return offerWithoutCandidates(this.pc);
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }

  /** Tells the server these video sequence numbers were lost (RTCP generic NACK). */
  async sendNack(lost: number[]): Promise<void> {
    const nack = new GenericNack({ senderSsrc: 1, mediaSourceSsrc: this.videoSsrc ?? 0, lost });
    await this.#videoReceiver.dtlsTransport.sendRtcp([new RtcpTransportLayerFeedback({ feedback: nack })]);
  }

  /** Asks for a key frame with a Full Intra Request (RFC 5104 §4.3.1), media SSRC 0 as Chrome sends it. */
  async sendFir(sequence: number): Promise<void> {
    const fir = Buffer.alloc(20);
    fir.writeUInt8(0x80 | 4, 0); // V=2, FMT=4
    fir.writeUInt8(206, 1); // payload-specific feedback
    fir.writeUInt16BE(4, 2); // length in 32-bit words minus one
    fir.writeUInt32BE(1, 4); // sender SSRC
    fir.writeUInt32BE(this.videoSsrc ?? 0, 12); // FCI: target SSRC, command sequence number
    fir.writeUInt8(sequence & 0xff, 16);
    const raw = { serialize: () => fir } as unknown as RtcpTransportLayerFeedback;
    await this.#videoReceiver.dtlsTransport.sendRtcp([raw]);
  }

  /** Asks the server for a key frame (RTCP PLI), as a browser does after loss. */
  async sendPli(): Promise<void> {
    const pli = new PictureLossIndication({ senderSsrc: 1, mediaSsrc: this.videoSsrc ?? 0 });
    await this.#videoReceiver.dtlsTransport.sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: pli })]);
  }

  async close(): Promise<void> {
    await this.pc.close();
  }
}

/** Resolves when `check` holds, polling; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
