// The UDP ports this process has bound, read from /proc (Linux): which sockets the server really
// opened, whatever it announced.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

function socketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed while listing
    }
  }
  return inodes;
}

/** Local ports of the UDP sockets (IPv4 and IPv6) open in this process. */
export function boundUdpPorts(): Set<number> {
  const mine = socketInodes();
  const ports = new Set<number>();
  for (const table of ['/proc/self/net/udp', '/proc/self/net/udp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && mine.has(f[9]!)) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** Ports of the host candidates in an SDP. */
export function candidatePorts(sdp: string): number[] {
  return [...sdp.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ \S+ (\d+) typ/gm)].map((m) => Number(m[1]));
}
