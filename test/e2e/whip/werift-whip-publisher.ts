// A non-browser WHIP publisher, as an encoder box would be: werift sends a generated H.264 picture
// (h264-pcm.ts, 10 frames a second) and Opus silence, and configures its ICE from the Link headers of
// the 201 (RFC 9725 §4.6) before it gathers. Run as a script it publishes until SIGTERM, reports JSON
// lines on stdout, and DELETEs its session on the way out — so it can run inside a network namespace.
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import { idrSlice, packetize, pps, sps, type H264Picture } from './h264-pcm.ts';

export const H264_PAYLOAD_TYPE = 102;
const PICTURE: H264Picture = { width: 128, height: 96 };
/** An Opus packet of 20 ms of silence (TOC: CELT fullband 20 ms, one frame). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

export interface IceServerLink {
  urls: string;
  username?: string;
  credential?: string;
}

/** RFC 8288 Link field values with rel="ice-server" → RTCIceServer-like objects. */
export function parseIceServerLinks(header: string | null): IceServerLink[] {
  if (!header) return [];
  const servers: IceServerLink[] = [];
  for (const value of header.split(/,\s*(?=<)/)) {
    const url = /^\s*<([^>]*)>/.exec(value)?.[1];
    if (!url) continue;
    const params = new Map<string, string>();
    for (const m of value.matchAll(/;\s*([a-zA-Z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,\s]*))/g)) {
      params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
    }
    if (params.get('rel') !== 'ice-server') continue;
    servers.push({ urls: url, ...(params.has('username') ? { username: params.get('username')! } : {}), ...(params.has('credential') ? { credential: params.get('credential')! } : {}) });
  }
  return servers;
}

export interface WhipPublisherOptions {
  endpoint: string;
  /** The host address werift gathers (it skips loopback and veth interfaces on its own). */
  address: string;
  token?: string;
  /** Keep only the ICE servers whose URL matches (werift uses one TURN server). */
  iceServerFilter?: (url: string) => boolean;
  /** Relay candidates only, as a client behind a UDP-blocking firewall would end up with. */
  relayOnly?: boolean;
}

export interface WhipPublisher {
  location: string;
  iceServers: IceServerLink[];
  pc: RTCPeerConnection;
  framesSent: number;
  /** The nominated pair's local candidate type (relay when through TURN). */
  localCandidateType(): string | undefined;
  connected(timeoutMs: number): Promise<void>;
  /** Stops sending, DELETEs the session (its status) and closes the peer connection. */
  stop(): Promise<number>;
}

export async function publishH264(options: WhipPublisherOptions): Promise<WhipPublisher> {
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      video: [new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, payloadType: H264_PAYLOAD_TYPE,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }], parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' })],
    },
    headerExtensions: { audio: [], video: [] },
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [options.address],
    iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
    bundlePolicy: 'max-bundle',
  });
  const audio = new MediaStreamTrack({ kind: 'audio' });
  const video = new MediaStreamTrack({ kind: 'video' });
  pc.addTransceiver(audio, { direction: 'sendonly' });
  pc.addTransceiver(video, { direction: 'sendonly' });

  // RFC 9725 §4.2: the offer goes out first; the ICE servers come back with the answer.
  const offer = await pc.createOffer();
  const res = await fetch(options.endpoint, {
    method: 'POST', body: offer.sdp, signal: AbortSignal.timeout(15_000),
    headers: { 'content-type': 'application/sdp', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
  });
  const answer = await res.text();
  const locationHeader = res.headers.get('location');
  if (res.status !== 201 || !locationHeader) {
    await pc.close();
    throw new Error(`WHIP POST answered ${res.status}: ${answer}`);
  }
  const location = new URL(locationHeader, options.endpoint).href;
  const iceServers = parseIceServerLinks(res.headers.get('link')).filter((s) => options.iceServerFilter?.(s.urls) ?? true);
  pc.setConfiguration({ iceServers });
  await pc.setLocalDescription(offer);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });

  let seq = 0;
  let audioSeq = 0;
  const publisher: WhipPublisher = {
    location, iceServers, pc, framesSent: 0,
    localCandidateType: () => (pc.iceTransports[0] as unknown as { connection?: { nominated?: { localCandidate: { type: string } } } })?.connection?.nominated?.localCandidate.type,
    connected: (timeoutMs) => new Promise((resolve, reject) => {
      if (pc.connectionState === 'connected') return resolve();
      const timer = setTimeout(() => reject(new Error(`WHIP publisher not connected within ${timeoutMs} ms (${pc.connectionState})`)), timeoutMs);
      pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected') {
          clearTimeout(timer);
          resolve();
        }
      });
    }),
    async stop() {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
      const deleted = await fetch(location, { method: 'DELETE', signal: AbortSignal.timeout(10_000), headers: options.token ? { authorization: `Bearer ${options.token}` } : {} });
      await deleted.text();
      await pc.close();
      return deleted.status;
    },
  };
  // Every frame is a key frame, so a player's PLI needs no answer of its own.
  const videoTimer = setInterval(() => {
    if (pc.connectionState !== 'connected') return;
    const timestamp = Math.round(performance.now() * 90) >>> 0;
    const payloads = packetize({ sps: sps(PICTURE), pps: pps(), slice: idrSlice(PICTURE, publisher.framesSent) });
    payloads.forEach((payload, i) => {
      video.writeRtp(new RtpPacket(new RtpHeader({ payloadType: H264_PAYLOAD_TYPE, sequenceNumber: seq++ & 0xffff, timestamp, ssrc: 0x4264, marker: i === payloads.length - 1 }), payload));
    });
    publisher.framesSent++;
  }, 100);
  const audioTimer = setInterval(() => {
    if (pc.connectionState !== 'connected') return;
    audio.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: audioSeq & 0xffff, timestamp: (audioSeq++ * 960) >>> 0, ssrc: 0x0f05 }), OPUS_SILENCE));
  }, 20);
  return publisher;
}

// As a script: tsx werift-whip-publisher.ts <endpoint> <address> [tcp-only]
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [endpoint, address, mode] = process.argv.slice(2);
  const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const tcpOnly = mode === 'tcp-only';
  publishH264({ endpoint: endpoint!, address: address!, relayOnly: tcpOnly, ...(tcpOnly ? { iceServerFilter: (url: string) => /^turn:.*transport=tcp/.test(url) } : {}) }).then(async (publisher) => {
    say({ event: 'created', location: publisher.location, iceServers: publisher.iceServers.map((s) => s.urls) });
    await publisher.connected(30_000);
    say({ event: 'connected', localCandidateType: publisher.localCandidateType() });
    const report = setInterval(() => say({ event: 'sending', framesSent: publisher.framesSent, localCandidateType: publisher.localCandidateType() }), 1000);
    process.once('SIGTERM', () => {
      clearInterval(report);
      publisher.stop().then((status) => {
        say({ event: 'deleted', status });
        process.exit(0);
      }, (err: Error) => {
        say({ event: 'error', message: err.message });
        process.exit(1);
      });
    });
  }, (err: Error) => {
    say({ event: 'error', message: err.message });
    process.exit(1);
  });
}
