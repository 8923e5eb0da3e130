// The forwarding hot path: one publisher packet to one player's track. It rewrites SSRC and payload
// type, keeps the publisher's sequence numbers and timestamps, SRTP-protects and sends, and sends the
// player a sender report every second. It stands in for werift's RTCRtpSender.sendRtp, which per
// packet and player clones the packet, rebuilds header extensions, reads the NTP clock, keeps its own
// history copy and chains several promises (profile in docs/performance.md).
import { Socket as UdpSocket } from 'node:dgram';
import { RtcpSenderInfo, RtcpSrPacket, RtpHeader, type RTCDtlsTransport, type RTCRtpSender, type RtpPacket } from 'werift';

const NTP_EPOCH_OFFSET_S = 2_208_988_800;
const SENDER_REPORT_INTERVAL_MS = 1000;

/** A 64-bit NTP timestamp for a wall-clock time in milliseconds. */
export function ntpTimestamp(epochMs: number): bigint {
  const seconds = Math.floor(epochMs / 1000);
  const fraction = Math.floor(((epochMs - seconds * 1000) / 1000) * 2 ** 32);
  return (BigInt(seconds + NTP_EPOCH_OFFSET_S) << 32n) | BigInt(fraction);
}

export class RtpForwarder {
  // One header object reused for every packet: werift's SRTP serializes it synchronously.
  readonly #header = new RtpHeader();
  #packets = 0;
  #octets = 0;
  #lastTimestamp = -1;
  #lastTimestampAtMs = 0;
  #reportTimer: NodeJS.Timeout | undefined;
  /** The last sender report: its NTP time as a receiver report's LSR names it, and when it left. */
  readonly lastReport = { lsr: 0, sentAtMs: 0 };

  constructor(private readonly sender: RTCRtpSender) {}

  /** Sends one packet; returns the RTP bytes sent (0 when nothing could be sent). */
  send(rtp: RtpPacket): number {
    const payloadType = this.sender.codec?.payloadType;
    // Padding-only packets carry nothing a player decodes (bandwidth probes of the publisher's own link).
    if (payloadType === undefined || rtp.payload.length === 0) return 0;
    const source = rtp.header;
    const header = this.#header;
    header.payloadType = payloadType;
    header.ssrc = this.sender.ssrc;
    header.marker = source.marker;
    header.sequenceNumber = source.sequenceNumber;
    header.timestamp = source.timestamp;
    header.csrc = source.csrc;
    header.csrcLength = source.csrcLength;
    if (this.#lastTimestamp === -1 || ((source.timestamp - this.#lastTimestamp) | 0) > 0) {
      // Once per frame, not per packet: the sender report maps this RTP time to wall-clock time.
      // Only newer timestamps (mod 2^32): a retransmitted old packet must not move the mapping back.
      this.#lastTimestamp = source.timestamp;
      this.#lastTimestampAtMs = Date.now();
    }
    this.#packets++;
    this.#octets += rtp.payload.length;
    sendSrtp(this.sender.dtlsTransport, rtp.payload, header);
    this.#reportTimer ??= setInterval(() => this.#sendReport(), SENDER_REPORT_INTERVAL_MS);
    return rtp.payload.length + 12;
  }

  close(): void {
    clearInterval(this.#reportTimer);
  }

  #sendReport(): void {
    const ntp = ntpTimestamp(this.#lastTimestampAtMs);
    this.lastReport.lsr = Number((ntp >> 16n) & 0xffffffffn);
    this.lastReport.sentAtMs = Date.now();
    const senderInfo = new RtcpSenderInfo({
      ntpTimestamp: ntp,
      rtpTimestamp: this.#lastTimestamp,
      packetCount: this.#packets >>> 0,
      octetCount: this.#octets >>> 0,
    });
    this.sender.dtlsTransport.sendRtcp([new RtcpSrPacket({ ssrc: this.sender.ssrc, senderInfo })]).catch(() => undefined);
  }
}

// werift's ICE internals this module reads, checked at run time (none of them is in werift's typings
// as used here, so a werift upgrade that changes them falls back to its own send path).
interface IcePeek {
  nominated?: { protocol: { transport?: { socket?: unknown } }; remoteAddr: readonly [string, number] };
  canSendApplicationData?: () => boolean;
}

const guardedSockets = new WeakSet<UdpSocket>();

/**
 * SRTP-protects one packet and writes it straight to the nominated pair's UDP socket, without
 * callback: Node then sends synchronously, where werift's path costs three promises, a callback and a
 * DNS-lookup tick per packet. RFC 7675 consent is still honoured.
 */
function sendSrtp(dtls: RTCDtlsTransport, payload: Buffer, header: RtpHeader): void {
  const ice = dtls.iceTransport.connection as unknown as IcePeek;
  const pair = ice.nominated;
  const socket = pair?.protocol.transport?.socket;
  if (!pair || !(socket instanceof UdpSocket) || typeof ice.canSendApplicationData !== 'function') {
    dtls.sendRtp(payload, header).catch(() => undefined);
    return;
  }
  if (!ice.canSendApplicationData()) return;
  if (!guardedSockets.has(socket)) {
    // A send error without a callback may be emitted on the socket; werift listens for none.
    socket.on('error', () => undefined);
    guardedSockets.add(socket);
  }
  try {
    socket.send(dtls.srtp.encrypt(payload, header), pair.remoteAddr[1], pair.remoteAddr[0]);
  } catch {
    // The socket closed under us (the session is ending).
  }
}
