// What the browser itself says about each peer connection a page made: the selected ICE candidate
// pair (a relay or not, and over which transport the browser reaches its TURN server) and the frames
// decoded for one <video>. Only standard RTCPeerConnection and getStats() run in the page, so any
// driver can evaluate these functions (playwright's page.evaluate, puppeteer's, WebDriver BiDi).
//
// The page-side functions below must stay self-contained: they are serialised into the page. They
// declare no named inner functions or function-valued constants, because tsx (esbuild keepNames)
// wraps those in a `__name(...)` helper that does not exist in the page.

export interface SelectedPair {
  /** host, srflx, prflx or relay. */
  localType: string;
  /** For a relay candidate: how the browser reaches the TURN server (udp, tcp or tls). */
  relayProtocol: string | undefined;
  /** Transport of the pair itself (udp for every TURN relay). */
  protocol: string;
  remoteType: string;
  remoteAddress: string;
}

export interface PeerConnectionReport {
  /** Position in the order the page created its peer connections. */
  index: number;
  connectionState: RTCPeerConnectionState;
  /** Absent while ICE has selected nothing (and for closed connections, which have no stats). */
  selectedPair?: SelectedPair;
  /** Video frames decoded, summed over the connection's inbound video (0 for a publisher). */
  framesDecoded: number;
  /** Video RTP packets sent, summed over the connection's outbound video (0 for a player). */
  videoPacketsSent: number;
}

export interface VideoElementReport {
  videoWidth: number;
  /** Index of the peer connection whose receiver feeds this element; -1 when none does. */
  peerConnection: number;
  /** framesDecoded of that receiver's inbound-rtp: this element's stream only. */
  framesDecoded: number;
}

/** Page-side init script: records every RTCPeerConnection the page creates in `window.__pcs`. */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const list: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = list;
  window.RTCPeerConnection = class extends Native {
    constructor(...a: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...a);
      list.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** Page-side: one report per recorded peer connection, in creation order. */
export async function peerConnectionReports(): Promise<PeerConnectionReport[]> {
  const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
  const reports: PeerConnectionReport[] = [];
  for (let index = 0; index < pcs.length; index++) {
    const pc = pcs[index]!;
    const report: PeerConnectionReport = { index, connectionState: pc.connectionState, framesDecoded: 0, videoPacketsSent: 0 };
    reports.push(report);
    if (pc.connectionState === 'closed') continue;
    const stats = await pc.getStats();
    let pairId: string | undefined;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    // Firefox has no transport stats; its selected pair says so itself.
    if (pairId === undefined) stats.forEach((s) => {
      if (s.type === 'candidate-pair' && s.selected === true) pairId = s.id;
    });
    const pair = pairId === undefined ? undefined : stats.get(pairId);
    const local = pair ? stats.get(pair.localCandidateId) : undefined;
    const remote = pair ? stats.get(pair.remoteCandidateId) : undefined;
    if (local && remote) {
      report.selectedPair = {
        localType: local.candidateType, relayProtocol: local.relayProtocol, protocol: local.protocol,
        remoteType: remote.candidateType, remoteAddress: `${remote.address ?? remote.ip}:${remote.port}`,
      };
    }
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') report.framesDecoded += s.framesDecoded ?? 0;
      if (s.type === 'outbound-rtp' && s.kind === 'video') report.videoPacketsSent += s.packetsSent ?? 0;
    });
  }
  return reports;
}

/**
 * Page-side: the <video> matching `selector`, and the frames decoded for exactly the track it
 * shows — found through the receiver that carries that track, not the busiest connection of the page.
 */
export async function videoElementReport(selector: string): Promise<VideoElementReport> {
  const video = document.querySelector(selector) as HTMLVideoElement | null;
  const report: VideoElementReport = { videoWidth: video?.videoWidth ?? 0, peerConnection: -1, framesDecoded: 0 };
  const source = video?.srcObject;
  const track = source instanceof MediaStream ? source.getVideoTracks()[0] : undefined;
  if (!track) return report;
  const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
  for (let index = 0; index < pcs.length; index++) {
    const pc = pcs[index]!;
    if (pc.connectionState === 'closed') continue;
    const receiver = pc.getReceivers().find((r) => r.track === track);
    if (!receiver) continue;
    report.peerConnection = index;
    (await receiver.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') report.framesDecoded = s.framesDecoded ?? 0;
    });
  }
  return report;
}
