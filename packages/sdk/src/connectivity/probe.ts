// One path, tried for real: a session of its own publishes a synthetic stream under a random name with
// ICE forced onto that path, until PUBLISHING (ICE and DTLS up), a failure, or the time limit; the
// selected candidate pair is the evidence. Then the session closes, which ends the stream on the server.
import { SESSION_STATUS, STREAM_STATUS } from '@traverse/protocol/constants';
import { newId } from '../ids.ts';
import { DEFAULT_CONSTRAINTS } from '../media.ts';
import { Session } from '../session.ts';
import type { Stream } from '../stream.ts';
import { keepCandidates } from './candidates.ts';
import type { PathPlan } from './plans.ts';
import { PATH_LABELS, type PathResult } from './report.ts';
import { selectedPairOf, type SelectedPairEvidence } from './selected-pair.ts';
import type { SyntheticVideo } from './synthetic-video.ts';

export interface ProbeEnv {
  urlServer: string;
  timeoutMs: number;
  video: SyntheticVideo;
}

type Outcome = Omit<PathResult, 'path' | 'label'>;

const now = () => (globalThis.performance ?? Date).now();

/** A session for the self-test alone: not in Flashphoner.getSessions(), no init() needed. */
export function probeSession(urlServer: string, mediaOptions: Record<string, unknown> | undefined): Session {
  return new Session({ urlServer, ...(mediaOptions ? { mediaOptions } : {}) }, { forget: () => undefined, defaultConstraints: () => DEFAULT_CONSTRAINTS });
}

/** The native stats of a stream's peer connection, or none within a second. */
function nativeStats(stream: Stream): Promise<Record<string, unknown>[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), 1000);
    stream.getStats((report) => {
      clearTimeout(timer);
      const list: Record<string, unknown>[] = [];
      (report as unknown as RTCStatsReport).forEach((s: Record<string, unknown>) => list.push(s));
      resolve(list);
    }, true);
  });
}

/** The selected pair, read again for a short while until its round-trip time is known. */
async function evidenceOf(stream: Stream): Promise<SelectedPairEvidence | undefined> {
  let pair: SelectedPairEvidence | undefined;
  for (let attempt = 0; attempt < 6; attempt++) {
    pair = selectedPairOf(await nativeStats(stream)) ?? pair;
    if (pair?.rttMs !== undefined) return pair;
    await new Promise((r) => setTimeout(r, 200));
  }
  return pair;
}

export function probePath(plan: PathPlan, env: ProbeEnv): Promise<PathResult> {
  return new Promise((resolve) => {
    let settled = false;
    const session = probeSession(env.urlServer, plan.mediaOptions);
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.disconnect();
      resolve({ path: plan.path, label: PATH_LABELS[plan.path], ...outcome });
    };
    const unreachable = (detail: string) => finish({ outcome: 'unreachable', reachable: false, detail });
    const timer = setTimeout(() => unreachable(`no connection within ${env.timeoutMs / 1000} s`), env.timeoutMs);

    const keep = plan.keep;
    const sdpHook = keep ? ({ sdpString }: { sdpString: string }) => {
      const filtered = keepCandidates(sdpString, keep);
      if (filtered.kept === 0) {
        // Nothing to try: say so now rather than at the time limit.
        const detail = `the server's answer has no ${keep.toUpperCase()} candidate`;
        queueMicrotask(() => finish(keep === 'tcp' ? { outcome: 'not-offered', reachable: false, detail } : { outcome: 'unreachable', reachable: false, detail }));
      }
      return filtered.sdp;
    } : undefined;

    session
      .on(SESSION_STATUS.ESTABLISHED, () => {
        const stream = session.createStream({
          name: `connectivity-${plan.path}-${newId().slice(0, 8)}`,
          constraints: { customStream: env.video.stream(), audio: false, video: true },
          ...(sdpHook ? { sdpHook } : {}),
        });
        const publishedAt = now();
        stream
          .on(STREAM_STATUS.PUBLISHING, () => {
            const connectMs = Math.round(now() - publishedAt);
            clearTimeout(timer); // connected: what is left is reading the evidence, itself bounded
            void evidenceOf(stream).then((pair) => finish({
              outcome: 'reachable', reachable: true, connectMs,
              ...(pair ? { local: pair.local, remote: pair.remote, ...(pair.rttMs !== undefined ? { rttMs: pair.rttMs } : {}) } : {}),
              ...(plan.serverPort !== undefined ? { serverPort: plan.serverPort } : pair?.remote.port !== undefined ? { serverPort: pair.remote.port } : {}),
            }));
          })
          .on(STREAM_STATUS.FAILED, (s) => {
            const failed = s as Stream;
            unreachable(failed.getInfo() || failed.getErrorInfo() || 'failed');
          });
        stream.publish();
      })
      .on(SESSION_STATUS.FAILED, () => unreachable(`could not connect to ${env.urlServer}`))
      .on(SESSION_STATUS.DISCONNECTED, () => unreachable('the signaling connection closed'));
  });
}
