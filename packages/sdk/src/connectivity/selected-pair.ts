// The evidence of a path: the ICE candidate pair the browser selected, read from getStats().
import type { CandidateEvidence } from './report.ts';

type Stats = Record<string, unknown> & { id?: string; type?: string };

export interface SelectedPairEvidence {
  local: CandidateEvidence;
  remote: CandidateEvidence;
  rttMs: number | undefined;
}

function candidate(s: Stats | undefined): CandidateEvidence | undefined {
  if (!s) return undefined;
  const address = s.address ?? s.ip;
  return {
    type: String(s.candidateType ?? 'unknown'),
    protocol: String(s.protocol ?? 'unknown'),
    ...(typeof s.relayProtocol === 'string' ? { relayProtocol: s.relayProtocol } : {}),
    ...(typeof address === 'string' && address !== '' ? { address } : {}),
    ...(typeof s.port === 'number' ? { port: s.port } : {}),
  };
}

/** The selected pair of a getStats() report (Chromium names it in the transport, Firefox marks it `selected`). */
export function selectedPairOf(report: Iterable<Stats>): SelectedPairEvidence | undefined {
  const byId = new Map<string, Stats>();
  for (const s of report) if (typeof s.id === 'string') byId.set(s.id, s);
  const all = [...byId.values()];
  const transportPair = all.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string')?.selectedCandidatePairId as string | undefined;
  const pair = (transportPair ? byId.get(transportPair) : undefined)
    ?? all.find((s) => s.type === 'candidate-pair' && s.selected === true)
    ?? all.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
  if (!pair) return undefined;
  const local = candidate(byId.get(String(pair.localCandidateId)));
  const remote = candidate(byId.get(String(pair.remoteCandidateId)));
  if (!local || !remote) return undefined;
  const current = typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime : undefined;
  const total = typeof pair.totalRoundTripTime === 'number' && typeof pair.responsesReceived === 'number' && pair.responsesReceived > 0
    ? pair.totalRoundTripTime / pair.responsesReceived : undefined;
  const seconds = current ?? total;
  return { local, remote, rttMs: seconds !== undefined ? seconds * 1000 : undefined };
}
