// How each path is forced: which ICE servers, which policy, which of the server's candidates to keep.
import type { PathName } from './report.ts';

export interface PathPlan {
  path: PathName;
  /** mediaOptions of the probe's session (the page-level ICE settings of createSession). */
  mediaOptions: { iceServers: RTCIceServer[]; iceTransportPolicy?: RTCIceTransportPolicy };
  /** For a direct path: the only transport of the server's candidates the probe keeps. */
  keep?: 'udp' | 'tcp';
  /** For a relay: the TURN server's port. */
  serverPort?: number;
}

export type PathPlanOrAbsent = PathPlan | { path: PathName; absent: string };

interface TurnServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

const TURN_URL = /^(turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i;

/** udp, tcp or tls for a turn:/turns: URL, with its port; undefined for anything else (stun:). */
export function turnTransport(url: string): { transport: 'udp' | 'tcp' | 'tls'; port: number } | undefined {
  const m = TURN_URL.exec(url.trim());
  if (!m) return undefined;
  const secure = m[1]!.toLowerCase() === 'turns';
  const transport = secure ? 'tls' : m[4]?.toLowerCase() === 'tcp' ? 'tcp' : 'udp';
  return { transport, port: m[3] ? Number(m[3]) : secure ? 5349 : 3478 };
}

/** The five plans, from the TURN servers to test (those the server handed, or the page's own). */
export function planPaths(servers: readonly TurnServer[]): PathPlanOrAbsent[] {
  const direct = (path: PathName, keep: 'udp' | 'tcp'): PathPlan => ({ path, mediaOptions: { iceServers: [] }, keep });
  const relay = (path: PathName, transport: 'udp' | 'tcp' | 'tls'): PathPlanOrAbsent => {
    for (const s of servers) {
      for (const url of Array.isArray(s.urls) ? s.urls : [s.urls]) {
        const t = turnTransport(url);
        if (t?.transport !== transport) continue;
        const server: RTCIceServer = { urls: url, ...(s.username !== undefined ? { username: s.username } : {}), ...(s.credential !== undefined ? { credential: s.credential } : {}) };
        return { path, mediaOptions: { iceServers: [server], iceTransportPolicy: 'relay' }, serverPort: t.port };
      }
    }
    return { path, absent: `the server offers no TURN over ${transport.toUpperCase()}` };
  };
  return [direct('udp', 'udp'), direct('tcp', 'tcp'), relay('turn-udp', 'udp'), relay('turn-tcp', 'tcp'), relay('turn-tls', 'tls')];
}
