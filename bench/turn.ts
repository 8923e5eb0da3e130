// npm run bench:turn [-- --quick] [--transports udp,tcp,tls]
// The same turnutils_uclient load against coturn and against traverse-turn, one server at a time,
// on 127.0.0.1. Prints relayed packets/s, loss, RTT, server CPU µs per relayed packet (from
// /proc/<pid>/stat), RSS, and each figure's ratio to coturn measured in this run.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort, metricValue, rssKb, runUclient, startPeer, startProcess, startTraverseTurn, type Started } from '../test/e2e/turn/support.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const transports = (args[args.indexOf('--transports') + 1] && args.includes('--transports') ? args[args.indexOf('--transports') + 1]! : 'udp,tcp,tls').split(',') as ('udp' | 'tcp' | 'tls')[];
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface Load {
  name: string;
  flags: string[];
}
const loads: Load[] = quick
  ? [
      { name: '50 alloc × 50 pps × 1000 B', flags: ['-m', '50', '-n', '250', '-l', '1000', '-z', '20'] },
      { name: 'flood 10 alloc × 1000 B', flags: ['-m', '10', '-n', '2000', '-l', '1000', '-z', '0'] },
    ]
  : [
      { name: '200 alloc × 50 pps × 1000 B', flags: ['-m', '200', '-n', '500', '-l', '1000', '-z', '20'] },
      { name: 'flood 10 alloc × 1000 B', flags: ['-m', '10', '-n', '10000', '-l', '1000', '-z', '0'] },
    ];

interface Row {
  server: 'coturn' | 'traverse';
  transport: string;
  load: string;
  relayedPerSec: number;
  lossPct: number;
  rttAvg: number;
  rttMax: number;
  cpuUsPerPacket: number;
  rssMb: number;
  serverCounted?: number;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, fields 14 and 15 of stat
}

function makeCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=bench', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

/** A port free for UDP and for TCP right now (coturn listens on both). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await freeUdpPort();
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

async function startCoturn(cert: { cert: string; key: string }): Promise<Started & { udpPort: number; tlsPort: number }> {
  const udpPort = await freePort();
  const tlsPort = await freePort();
  const p = startProcess('turnserver', ['-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${udpPort}`,
    `--tls-listening-port=${tlsPort}`, `--cert=${cert.cert}`, `--pkey=${cert.key}`, '--lt-cred-mech', '--user=u:p', '--realm=test',
    '--allow-loopback-peers', '--min-port=40000', '--max-port=59999', '--no-cli', '--no-dtls', '--log-file=stdout', '--simple-log'], 1_800_000);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !/Total General servers|relay ports/.test(p.output())) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1000));
  return { ...p, udpPort, tlsPort };
}

async function measure(server: Row['server'], pid: number, port: number, tlsPort: number, peerPort: number, transport: string, load: Load, metricsUrl?: string): Promise<Row> {
  const flags = transport === 'udp' ? [] : transport === 'tcp' ? ['-t'] : ['-t', '-S'];
  const before = cpuTicks(pid);
  const counted = metricsUrl ? await metricValue(metricsUrl, 'turn_relayed_packets_total') : 0;
  const started = Date.now();
  const r = await runUclient([...flags, '-u', 'u', '-w', 'p', '-e', '127.0.0.1', '-r', String(peerPort), '-p', String(transport === 'tls' ? tlsPort : port), ...load.flags, '-c', '127.0.0.1'], 600_000);
  const seconds = (Date.now() - started) / 1000;
  const ticks = cpuTicks(pid) - before;
  const sent = r.sent ?? 0;
  const received = r.received ?? 0;
  const relayed = sent + received;
  const serverCounted = metricsUrl ? (await metricValue(metricsUrl, 'turn_relayed_packets_total')) - counted : undefined;
  const rtt = /Average round trip delay ([\d.]+) ms; min = [\d.]+ ms, max = ([\d.]+) ms/.exec(r.output);
  const transmit = Number(/Total transmit time is (\d+)/.exec(r.output)?.[1] ?? seconds);
  return {
    server, transport, load: load.name,
    relayedPerSec: relayed / Math.max(1, transmit),
    lossPct: sent > 0 ? (100 * (sent - received)) / sent : 100,
    rttAvg: Number(rtt?.[1] ?? NaN),
    rttMax: Number(rtt?.[2] ?? NaN),
    // Prefer the server's own count of relayed packets where it has one (uclient miscounts TLS).
    cpuUsPerPacket: ((ticks * 1e6) / CLK_TCK) / Math.max(1, serverCounted ?? relayed),
    rssMb: rssKb(pid) / 1024,
    ...(serverCounted !== undefined ? { serverCounted } : {}),
  };
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-turn-'));
  const cert = makeCert(dir);
  const rows: Row[] = [];
  const stopAll: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const s of stopAll.splice(0)) await s().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const peer = await startPeer(1_800_000);
    stopAll.push(() => peer.stop());
    for (const transport of transports) {
      for (const load of loads) {
        // A run where uclient relayed nothing measured a harness hiccup, not the server: try it once more.
        let coturnRow: Row | undefined;
        for (let attempt = 0; attempt < 2 && (!coturnRow || coturnRow.relayedPerSec === 0); attempt++) {
          const coturn = await startCoturn(cert);
          stopAll.push(() => coturn.stop());
          coturnRow = await measure('coturn', coturn.pid, coturn.udpPort, coturn.tlsPort, peer.port, transport, load);
          await coturn.stop();
        }
        rows.push(coturnRow!);
        const ours = await startTraverseTurn(['--min-port', '40000', '--max-port', '59999', '--user', 'u:p', '--realm', 'test',
          '--allow-loopback-peers', '--cert', cert.cert, '--pkey', cert.key, '--prometheus', '0', '--log-level', 'info'], 1_800_000);
        stopAll.push(() => ours.stop());
        rows.push(await measure('traverse', ours.pid, ours.udpPort, ours.tlsPort!, peer.port, transport, load, ours.metricsUrl));
        await ours.stop();
        process.stderr.write(`done: ${transport} / ${load.name}\n`);
      }
    }
  } finally {
    await cleanup();
  }

  const lines = [
    '| transport | load | server | relayed pkt/s | loss % | RTT avg / max ms | CPU µs / relayed pkt | RSS MB | pkt/s vs coturn | CPU/pkt vs coturn |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const base = rows.find((b) => b.server === 'coturn' && b.transport === r.transport && b.load === r.load)!;
    lines.push(`| ${r.transport} | ${r.load} | ${r.server} | ${fmt(r.relayedPerSec, 0)} | ${fmt(r.lossPct, 2)} | ${fmt(r.rttAvg, 2)} / ${fmt(r.rttMax, 0)} | ${fmt(r.cpuUsPerPacket)} | ${fmt(r.rssMb, 0)} | ${ratio(r.relayedPerSec, base.relayedPerSec)} | ${ratio(r.cpuUsPerPacket, base.cpuUsPerPacket)} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
