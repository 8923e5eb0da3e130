// werift peers playing the browser's part in tests and benchmarks: a publisher that sends generated
// VP8 and Opus RTP, and players that receive. They offer without waiting for candidates, as the
// stock Flashphoner SDK does, so the server has to learn them from ICE checks.
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';

const vp8 = () => new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] });
const opus = () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

function clientPc(address: string): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: { audio: [opus()], video: [vp8()] },
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

  /** @param payloadBytes size of each video payload (bytes 4–15 carry the index and the send time). */
  constructor(address = '127.0.0.1', private readonly payloadBytes = 120) {
    this.pc = clientPc(address);
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
    this.video.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: index * 3000, ssrc: 0x1234, marker: true }), payload));
    if (index % 3 === 0) {
      this.audio.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq, timestamp: index * 960, ssrc: 0x5678 }), Buffer.alloc(40, index & 0xff)));
    }
    this.sent++;
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
  videoPackets = 0;
  audioPackets = 0;

  /** @param keepIndexes false for load runs: count and time packets without keeping every index. */
  constructor(address = '127.0.0.1', private readonly keepIndexes = true) {
    this.pc = clientPc(address);
    this.pc.addTransceiver('audio', { direction: 'recvonly' });
    this.pc.addTransceiver('video', { direction: 'recvonly' });
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        if (track.kind === 'video') {
          this.videoPackets++;
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
