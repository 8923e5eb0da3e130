// The shape of a connectivity self-test report (Flashphoner.testConnectivity), and the paths it tries.

/** The paths, in the order a browser prefers them when all work (candidate priorities). */
export const PATHS = ['udp', 'tcp', 'turn-udp', 'turn-tcp', 'turn-tls'] as const;
export type PathName = (typeof PATHS)[number];

export const PATH_LABELS: Record<PathName, string> = {
  udp: 'UDP direct',
  tcp: 'TCP direct (ICE-TCP)',
  'turn-udp': 'TURN over UDP',
  'turn-tcp': 'TURN over TCP',
  'turn-tls': 'TURN over TLS',
};

/** One end of the selected ICE candidate pair, as the browser's getStats() describes it. */
export interface CandidateEvidence {
  /** host, srflx, prflx or relay. */
  type: string;
  /** udp or tcp: the transport of this candidate. */
  protocol: string;
  /** For a relay candidate: how the browser reaches the TURN server (udp, tcp or tls). */
  relayProtocol?: string;
  address?: string;
  port?: number;
}

export interface PathResult {
  path: PathName;
  label: string;
  /** `not-offered`: this server has no such path (no TURN/TLS certificate, no ICE-TCP candidate…). */
  outcome: 'reachable' | 'unreachable' | 'not-offered';
  reachable: boolean;
  /** publish() to PUBLISHING: ICE and DTLS over this path, plus one signaling round trip. */
  connectMs?: number;
  /** The selected pair's round-trip time (currentRoundTripTime). */
  rttMs?: number;
  /** The server port media reached: the media port for a direct path, the TURN port for a relay. */
  serverPort?: number;
  local?: CandidateEvidence;
  remote?: CandidateEvidence;
  /** Why a path is unreachable or not offered. */
  detail?: string;
}

export interface ConnectivityReport {
  urlServer: string;
  startedAt: string;
  durationMs: number;
  paths: PathResult[];
  /** The path a page with ICE policy "all" will use: the first reachable one in PATHS order. */
  mediaPath: PathName | undefined;
  /** The verdict in words (verdict.ts). */
  verdict: string;
}
