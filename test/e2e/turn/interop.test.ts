// Interop with clients nobody here wrote: coturn's turnutils_stunclient and turnutils_uclient against
// traverse-turn, with turnutils_peer as the peer. Loopback only; every process is stopped by PID.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Attr, StunClass, StunMethod, errorCode, getAttribute } from '../../../packages/turn/src/stun/index.ts';
import { eventually } from '../../../packages/turn/test/support/bounded.ts';
import { loggedRelayPorts, metricValue, runUclient, startPeer, startTraverseTurn, type Started, type TurnProcess } from './support.ts';
import { tapUdp } from './udp-tap.ts';

const LOAD = ['-m', '4', '-n', '100', '-l', '400', '-c', '127.0.0.1']; // 4 sessions × 100 messages of 400 bytes

describe('traverse-turn with coturn clients', () => {
  let turn: TurnProcess;
  let peer: Started & { port: number };

  before(async () => {
    turn = await startTraverseTurn(['--min-port', '61400', '--max-port', '61499', '--user', 'u:p', '--realm', 'test',
      '--use-auth-secret', '--static-auth-secret', 'sekrit', '--allow-loopback-peers', '--prometheus', '0']);
    peer = await startPeer();
  });
  after(async () => {
    await peer?.stop();
    await turn?.stop();
  });

  test('turnutils_stunclient gets its reflexive address over UDP', () => {
    const r = spawnSync('turnutils_stunclient', ['-p', String(turn.udpPort), '127.0.0.1'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /UDP reflexive addr: 127\.0\.0\.1:\d+/);
  });

  const cases: { name: string; flags: string[]; tls?: boolean }[] = [
    { name: 'UDP with channels', flags: [] },
    { name: 'UDP with Send indications', flags: ['-s'] },
    { name: 'TCP with channels', flags: ['-t'] },
    { name: 'TCP with Send indications', flags: ['-t', '-s'] },
    { name: 'TLS with channels', flags: ['-t', '-S'], tls: true },
    { name: 'TLS with Send indications', flags: ['-t', '-S', '-s'], tls: true },
  ];
  for (const c of cases) {
    test(`turnutils_uclient over ${c.name}, long-term credentials: 0 lost`, async () => {
      const transport = c.tls ? 'tls' : c.flags.includes('-t') ? 'tcp' : 'udp';
      const before = await metricValue(turn.metricsUrl!, 'turn_relayed_packets_total', { transport, direction: 'to_client' });
      const r = await runUclient([...c.flags, '-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(peer.port), '-p', String(c.tls ? turn.tlsPort : turn.udpPort), ...LOAD]);
      assert.deepEqual(r.errors, [], r.output.slice(-2000));
      assert.equal(r.lost, 0, r.output.slice(-2000));
      assert.equal(r.sent, 400);
      assert.equal(r.received, 400);
      // The server's own count: every message came back through the relay.
      const relayed = (await metricValue(turn.metricsUrl!, 'turn_relayed_packets_total', { transport, direction: 'to_client' })) - before;
      assert.ok(relayed >= 400, `server relayed ${relayed} packets to ${transport} clients`);
    });
  }

  test('turnutils_uclient with a TURN REST secret (-W): 0 lost', async () => {
    const r = await runUclient(['-W', 'sekrit', '-u', 'someone', '-e', '127.0.0.1', '-r', String(peer.port), '-p', String(turn.udpPort), ...LOAD]);
    assert.deepEqual(r.errors, [], r.output.slice(-2000));
    assert.equal(r.lost, 0);
    assert.equal(r.received, 400);
  });

  test('turnutils_uclient with a wrong REST secret gets 401 to every signed Allocate, each counted as an auth failure', async (t) => {
    // uclient's output does not name the error code, so a tap between it and the server reads the answers.
    const tap = await tapUdp(turn.udpPort);
    t.after(() => tap.close());
    const failuresBefore = await metricValue(turn.metricsUrl!, 'turn_auth_failures_total');
    const r = await runUclient(['-W', 'wrong', '-u', 'someone', '-e', '127.0.0.1', '-r', String(peer.port), '-p', String(tap.port), '-m', '1', '-n', '5', '-c', '127.0.0.1'], 30_000);
    assert.match(r.output, /Cannot complete Allocation/, r.output.slice(-2000));
    const signed = new Set(tap.toServer
      .filter((m) => m.cls === StunClass.Request && m.method === StunMethod.Allocate && getAttribute(m, Attr.MessageIntegrity))
      .map((m) => m.transactionId.toString('hex')));
    assert.ok(signed.size >= 1, 'uclient signed an Allocate with the credential it derived from the wrong secret');
    const answers = () => tap.toClient.filter((m) => signed.has(m.transactionId.toString('hex')));
    assert.ok(answers().length >= 1, 'the server answered the signed Allocates');
    const codes = answers().map((m) => (m.cls === StunClass.ErrorResponse ? errorCode.decode(getAttribute(m, Attr.ErrorCode)!.value)?.code : 'success'));
    assert.deepEqual([...new Set(codes)], [401]);
    // Every refusal is counted once (the server counts it, then answers). A retransmission still in
    // flight when uclient gave up may add one of each: wait until both agree.
    let failures = 0;
    await eventually(async () => {
      failures = (await metricValue(turn.metricsUrl!, 'turn_auth_failures_total')) - failuresBefore;
      return failures === answers().length;
    }, 5000, 'auth failures counted').catch(() => undefined);
    assert.equal(failures, answers().length);
  });
});

// Relay ports: the -c case keeps its historical 61500–61599, the pairs case takes 61900–61999.
for (const mode of [{ name: 'with -c', flags: ['-c'], ports: ['61500', '61599'] }, { name: 'in its default RTP/RTCP mode', flags: [], ports: ['61900', '61999'] }]) {
  test(`a peer on 127.0.0.1 is refused with 403 unless --allow-loopback-peers (turnutils_uclient ${mode.name})`, async (t) => {
    const turn = await startTraverseTurn(['--min-port', mode.ports[0]!, '--max-port', mode.ports[1]!, '--user', 'u:p', '--realm', 'test', '--no-tls']);
    const peer = await startPeer();
    t.after(async () => {
      await peer.stop();
      await turn.stop();
    });
    const r = await runUclient(['-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(peer.port), '-p', String(turn.udpPort), '-m', '1', '-n', '5', ...mode.flags, '127.0.0.1'], 30_000);
    assert.match(r.output, /error 403/);
    assert.equal(r.sent, undefined, 'uclient gave up before sending: nothing was relayed');
    // The server logs the refusal; its line may reach our pipe a moment after uclient exits.
    await eventually(() => /"msg":"peer refused"/.test(turn.output()), 5000, 'the refusal is logged');
    assert.match(turn.output(), /"reason":"loopback peer[^"]*","msg":"peer refused"/);
    if (mode.flags.length === 0) {
      // The pair was allocated (RTCP on the reserved port) before the peer was refused.
      const relayPorts = loggedRelayPorts(turn.output());
      assert.ok(relayPorts.some((p) => p % 2 === 1 && relayPorts.includes(p - 1)), `an RTP/RTCP pair: ${relayPorts.join(' ')}`);
    }
  });
}

// turnutils_uclient's default mode (no -c) allocates RTP/RTCP pairs: EVEN-PORT with the R bit for
// RTP, then RESERVATION-TOKEN for RTCP on the port above (RFC 8656 §7.2).
describe('traverse-turn with turnutils_uclient in its default RTP/RTCP mode', () => {
  let turn: TurnProcess;
  let peer: Started & { port: number };

  before(async () => {
    turn = await startTraverseTurn(['--min-port', '61800', '--max-port', '61899', '--user', 'u:p', '--realm', 'test',
      '--allow-loopback-peers', '--no-tls', '--prometheus', '0']);
    peer = await startPeer();
  });
  after(async () => {
    await peer?.stop();
    await turn?.stop();
  });

  for (const c of [{ name: 'UDP', flags: [] }, { name: 'TCP', flags: ['-t'] }]) {
    test(`turnutils_uclient without -c over ${c.name} gets RTP/RTCP relay pairs from reservations: 0 lost`, async () => {
      const logFrom = turn.output().length;
      const r = await runUclient([...c.flags, '-n', '100', '-m', '5', '-l', '200', '-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(peer.port), '-p', String(turn.udpPort), '127.0.0.1']);
      assert.deepEqual(r.errors, [], r.output.slice(-2000));
      assert.equal(r.lost, 0, r.output.slice(-2000));
      assert.ok((r.sent ?? 0) >= 500, `uclient sent ${r.sent}`);
      assert.equal(r.received, r.sent);
      // RTCP relays sit on the odd port just above an RTP relay: only a claimed reservation gives that.
      const relayPorts = loggedRelayPorts(turn.output().slice(logFrom));
      const rtcp = relayPorts.filter((p) => p % 2 === 1);
      assert.ok(rtcp.length >= 4, `RTCP relays on reserved ports: ${relayPorts.join(' ')}`);
      for (const p of rtcp) assert.ok(relayPorts.includes(p - 1), `${p} is the port above an RTP relay (${relayPorts.join(' ')})`);
      for (const p of relayPorts) assert.ok(p >= 61800 && p <= 61899, `relay port ${p} in the configured range`);
    });
  }
});
