// Creates werift peer connections with explicit media addresses. werift gathers neither loopback
// nor veth/tun interfaces (research/webrtc-stack.md §5 quirks 1–3), so the addresses to advertise
// are configured, and nothing else is gathered.
import { RTCPeerConnection, type RTCRtpCodecParameters } from 'werift';
import type { SharedMediaPorts } from './shared-ports/werift-binding.ts';

export interface MediaNetworkOptions {
  /** Addresses werift binds and advertises as host candidates (e.g. 127.0.0.1, a veth address). */
  mediaIps: string[];
  /** Address advertised instead, when the server is behind NAT (one per media IP, same order). */
  announcedIps: string[];
  /** UDP port range for media when no shared ports are given; [0, 0] lets the OS choose. */
  portRange: [number, number];
  /** The one UDP port (and ICE-TCP port) every session shares; when set, portRange is not used. */
  shared?: SharedMediaPorts;
}

export function createPeerConnection(network: MediaNetworkOptions, codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] }): RTCPeerConnection {
  const [min, max] = network.portRange;
  return new RTCPeerConnection({
    codecs,
    headerExtensions: { audio: [], video: [] },
    iceLite: true,
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceUseTcp: false,
    iceAdditionalHostAddresses: network.mediaIps,
    ...(!network.shared && min > 0 && max > min ? { icePortRange: [min, max] as [number, number] } : {}),
    bundlePolicy: 'max-bundle',
  });
}

/** Waits until the local description carries every candidate (no trickle: they go in the answer). */
export async function waitForGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unSubscribe();
      reject(new Error('ICE gathering timed out'));
    }, timeoutMs);
    const sub = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  });
}

/** Rewrites host candidate addresses to the announced ones (servers behind NAT). */
export function announce(sdp: string, network: MediaNetworkOptions): string {
  if (network.announcedIps.length === 0) return sdp;
  let out = sdp;
  network.mediaIps.forEach((ip, i) => {
    const announced = network.announcedIps[i] ?? network.announcedIps[0]!;
    out = out.split(`a=candidate:`).map((part, idx) => (idx === 0 ? part : part.replace(` ${ip} `, ` ${announced} `))).join('a=candidate:');
    out = out.replace(new RegExp(`c=IN IP4 ${ip.replace(/\./g, '\\.')}`, 'g'), `c=IN IP4 ${announced}`);
  });
  return out;
}

/**
 * Why a gathered answer has no candidate, or undefined when it has one. werift logs a failed bind and
 * gathers nothing for that address; with every port of the media range in use that is every address.
 */
export function missingCandidatesReason(sdp: string, network: MediaNetworkOptions): string | undefined {
  if (/^a=candidate:/m.test(sdp)) return undefined;
  if (network.shared) return 'no shared media port was open';
  const [min, max] = network.portRange;
  return min > 0 ? `every UDP port of the media range ${min}–${max} is in use` : 'no UDP socket could be opened for media';
}
