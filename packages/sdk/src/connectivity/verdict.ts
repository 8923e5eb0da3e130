// The self-test's verdict in words: from the rows of a report to one or two sentences a person can act
// on. Pure, so every firewall shape is checked in a unit test.
import { PATHS, PATH_LABELS, type PathName, type PathResult } from './report.ts';

/** The path a browser with ICE policy "all" ends up on: the most preferred reachable one. */
export function mediaPathOf(paths: readonly PathResult[]): PathName | undefined {
  return PATHS.find((p) => paths.some((r) => r.path === p && r.reachable));
}

function listed(labels: string[]): string {
  return labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** "(ICE-TCP, round trip ~3 ms, connects in ~120 ms)": what the path is and what it costs. */
function details(r: PathResult, what: string[]): string {
  const parts = [
    ...what,
    ...(r.rttMs !== undefined ? [`round trip ~${Math.round(r.rttMs)} ms`] : []),
    ...(r.connectMs !== undefined ? [`connects in ~${Math.round(r.connectMs)} ms`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const port = (r: PathResult) => (r.serverPort !== undefined ? ` port ${r.serverPort}` : '');

function howMediaGoes(r: PathResult): string {
  switch (r.path) {
    case 'udp': return `media uses UDP directly${details(r, [])}`;
    case 'tcp': return `media will use TCP${port(r)}${details(r, ['ICE-TCP, no relay'])}`;
    case 'turn-udp': return `media will be relayed by TURN over UDP${port(r)}${details(r, [])}`;
    case 'turn-tcp': return `media will be relayed by TURN over TCP${port(r)}${details(r, [])}`;
    case 'turn-tls': return `media will be relayed by TURN over TLS${port(r)}${details(r, [])}`;
  }
}

/** What stops the better paths, in the words of a firewall, and the failed paths those words cover. */
function whatIsBlocked(paths: readonly PathResult[], used: PathResult): { lead: string; covers: (r: PathResult) => boolean } {
  const tried = paths.filter((r) => r.outcome !== 'not-offered');
  if (tried.length > 1 && tried.every((r) => r === used || !r.reachable)) return { lead: `Only ${used.label} works`, covers: () => true };
  const failed = (p: PathName) => paths.some((r) => r.path === p && r.outcome === 'unreachable');
  const usedAt = PATHS.indexOf(used.path);
  const better = (r: PathResult) => PATHS.indexOf(r.path) < usedAt;
  if (failed('udp') && !paths.some((r) => r.path === 'turn-udp' && r.reachable)) {
    // UDP to TURN is UDP too: "UDP is blocked" says it.
    const covers = (r: PathResult) => better(r) || r.path === 'turn-udp';
    return { lead: failed('tcp') && used.path !== 'tcp' ? 'UDP and direct TCP are blocked' : 'UDP is blocked', covers };
  }
  const before = PATHS.slice(0, usedAt).filter(failed).map((p) => PATH_LABELS[p]);
  if (before.length === 0) return { lead: 'No better path is offered', covers: better };
  return { lead: `${listed(before)} ${before.length === 1 ? 'is' : 'are'} blocked`, covers: better };
}

export function verdictOf(paths: readonly PathResult[]): string {
  const tried = paths.filter((r) => r.outcome !== 'not-offered');
  if (tried.length === 0) return 'Nothing was tested: the server offered no path to try.';
  const path = mediaPathOf(paths);
  if (!path) {
    return `Nothing gets through: media cannot reach this server from this network (tried ${listed(tried.map((r) => r.label))}).`;
  }
  const used = paths.find((r) => r.path === path && r.reachable)!;
  const { lead, covers } = path === 'udp'
    ? { lead: tried.every((r) => r.reachable) ? 'Everything is open' : 'UDP is open', covers: () => false }
    : whatIsBlocked(paths, used);
  const others = tried.filter((r) => !r.reachable && !covers(r)).map((r) => r.label);
  const also = others.length > 0 ? ` Also unreachable: ${listed(others)}.` : '';
  return `${lead}: ${howMediaGoes(used)}.${also}`;
}
