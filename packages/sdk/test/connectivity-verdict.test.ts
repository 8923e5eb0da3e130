import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PATHS, PATH_LABELS, type PathName, type PathResult } from '../src/connectivity/report.ts';
import { mediaPathOf, verdictOf } from '../src/connectivity/verdict.ts';

const PORTS: Record<PathName, number> = { udp: 40000, tcp: 443, 'turn-udp': 3478, 'turn-tcp': 443, 'turn-tls': 443 };

/** A report's rows: `open` paths reachable (RTT and time from `timing`), `absent` ones not offered, the rest unreachable. */
function rows(open: PathName[], absent: PathName[] = [], timing: Partial<Record<PathName, [number, number]>> = {}): PathResult[] {
  return PATHS.map((path) => {
    const base = { path, label: PATH_LABELS[path] };
    if (absent.includes(path)) return { ...base, outcome: 'not-offered', reachable: false, detail: 'not offered' };
    if (!open.includes(path)) return { ...base, outcome: 'unreachable', reachable: false, detail: 'no connection within 6 s' };
    const [rttMs, connectMs] = timing[path] ?? [12, 150];
    return { ...base, outcome: 'reachable', reachable: true, rttMs, connectMs, serverPort: PORTS[path] };
  });
}

test('everything open: media uses UDP directly, with its round trip and join time', () => {
  assert.equal(verdictOf(rows([...PATHS], [], { udp: [3.4, 95.2] })), 'Everything is open: media uses UDP directly (round trip ~3 ms, connects in ~95 ms).');
  assert.equal(mediaPathOf(rows([...PATHS])), 'udp');
});

test('UDP open, TLS to TURN blocked: UDP directly, and the blocked path is named', () => {
  assert.equal(verdictOf(rows(['udp', 'tcp', 'turn-udp', 'turn-tcp'])),
    'UDP is open: media uses UDP directly (round trip ~12 ms, connects in ~150 ms). Also unreachable: TURN over TLS.');
});

test('UDP blocked, TCP 443 open (the only-443 firewall): ICE-TCP on port 443, no relay', () => {
  assert.equal(verdictOf(rows(['tcp', 'turn-tcp', 'turn-tls'], [], { tcp: [21, 240] })),
    'UDP is blocked: media will use TCP port 443 (ICE-TCP, no relay, round trip ~21 ms, connects in ~240 ms).');
  assert.equal(mediaPathOf(rows(['tcp', 'turn-tcp', 'turn-tls'])), 'tcp');
});

test('UDP blocked and no ICE-TCP on the server: relayed by TURN over TCP', () => {
  assert.equal(verdictOf(rows(['turn-tcp', 'turn-tls'], ['tcp'])),
    'UDP is blocked: media will be relayed by TURN over TCP port 443 (round trip ~12 ms, connects in ~150 ms).');
  assert.equal(verdictOf(rows(['turn-tcp', 'turn-tls'])),
    'UDP and direct TCP are blocked: media will be relayed by TURN over TCP port 443 (round trip ~12 ms, connects in ~150 ms).');
});

test('only TURN over TLS works', () => {
  assert.equal(verdictOf(rows(['turn-tls'])), 'Only TURN over TLS works: media will be relayed by TURN over TLS port 443 (round trip ~12 ms, connects in ~150 ms).');
});

test('the media port blocked but UDP to TURN open: relayed over UDP, the direct paths named', () => {
  assert.equal(verdictOf(rows(['turn-udp', 'turn-tcp', 'turn-tls'])),
    'UDP direct and TCP direct (ICE-TCP) are blocked: media will be relayed by TURN over UDP port 3478 (round trip ~12 ms, connects in ~150 ms).');
});

test('nothing reachable, or nothing offered', () => {
  assert.equal(verdictOf(rows([], ['turn-tls'])),
    'Nothing gets through: media cannot reach this server from this network (tried UDP direct, TCP direct (ICE-TCP), TURN over UDP and TURN over TCP).');
  assert.equal(mediaPathOf(rows([])), undefined);
  assert.equal(verdictOf(rows([], [...PATHS])), 'Nothing was tested: the server offered no path to try.');
});

test('a path without timings still gets a verdict', () => {
  const r = rows(['tcp']).map((x) => (x.reachable ? { ...x, rttMs: undefined, connectMs: undefined, serverPort: undefined } : x));
  assert.equal(verdictOf(r), 'Only TCP direct (ICE-TCP) works: media will use TCP (ICE-TCP, no relay).');
});
