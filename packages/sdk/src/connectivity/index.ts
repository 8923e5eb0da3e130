// Flashphoner.testConnectivity(): tries every path to this server's media (UDP and TCP directly, TURN
// over UDP, TCP and TLS) in parallel, each bounded by a time limit, and reports what got through, how
// fast, the evidence, and a verdict in words. Nothing new on the server: it is ordinary publishing.
import { ERROR_INFO, SESSION_STATUS } from '@traverse/protocol/constants';
import { handedIceServers } from '../ice-servers.ts';
import { planPaths, type PathPlanOrAbsent } from './plans.ts';
import { probePath, probeSession } from './probe.ts';
import { PATH_LABELS, PATHS, type ConnectivityReport, type PathResult } from './report.ts';
import { syntheticVideo } from './synthetic-video.ts';
import { mediaPathOf, verdictOf } from './verdict.ts';

export type { ConnectivityReport, PathResult, PathName, CandidateEvidence } from './report.ts';

export interface ConnectivityOptions {
  /** The signaling URL, as for createSession. */
  urlServer: string;
  /** Time limit per path, in ms (default 6000). */
  timeoutMs?: number;
  /** TURN servers to test instead of those the server hands out (for a server that hands none). */
  iceServers?: { urls: string | string[]; username?: string; credential?: string }[];
}

export const DEFAULT_PATH_TIMEOUT_MS = 6000;

/** The ICE servers the server hands out in its connect reply (none when it hands none). */
function handedServers(urlServer: string, timeoutMs: number): Promise<{ servers: RTCIceServer[] } | { error: string }> {
  return new Promise((resolve) => {
    const session = probeSession(urlServer, { iceServers: [] });
    const done = (r: { servers: RTCIceServer[] } | { error: string }) => {
      clearTimeout(timer);
      resolve(r);
      session.disconnect();
    };
    const timer = setTimeout(() => done({ error: `no answer from ${urlServer} within ${timeoutMs / 1000} s` }), timeoutMs);
    session
      .on(SESSION_STATUS.ESTABLISHED, (_s, userData) => done({ servers: handedIceServers(userData) ?? [] }))
      .on(SESSION_STATUS.FAILED, () => done({ error: `could not connect to ${urlServer}` }))
      .on(SESSION_STATUS.DISCONNECTED, () => done({ error: `${urlServer} closed the connection` }));
  });
}

function absent(plan: PathPlanOrAbsent & { absent: string }): PathResult {
  return { path: plan.path, label: PATH_LABELS[plan.path], outcome: 'not-offered', reachable: false, detail: plan.absent };
}

export async function testConnectivity(options: ConnectivityOptions): Promise<ConnectivityReport> {
  if (!options?.urlServer) throw new TypeError(ERROR_INFO.OPTIONS_URLSERVER_MUST_BE_PROVIDED);
  const { urlServer } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PATH_TIMEOUT_MS;
  const started = Date.now();
  const report = (paths: PathResult[], verdict = verdictOf(paths)): ConnectivityReport => ({
    urlServer, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, paths, mediaPath: mediaPathOf(paths), verdict,
  });

  const handed = options.iceServers ? { servers: options.iceServers } : await handedServers(urlServer, timeoutMs);
  if ('error' in handed) {
    const paths = PATHS.map((path): PathResult => ({ path, label: PATH_LABELS[path], outcome: 'unreachable', reachable: false, detail: handed.error }));
    return report(paths, `The signaling server did not answer (${handed.error}): no path was tried.`);
  }
  const video = syntheticVideo();
  try {
    const plans = planPaths(handed.servers as { urls: string | string[]; username?: string; credential?: string }[]);
    return report(await Promise.all(plans.map((plan) => ('absent' in plan ? absent(plan) : probePath(plan, { urlServer, timeoutMs, video })))));
  } finally {
    video.stop();
  }
}
