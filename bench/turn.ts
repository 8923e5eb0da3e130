// npm run bench:turn [-- --quick] [--transports udp,tcp,tls] [--profile DIR] [--node-flags A,B]
// The same turnutils_uclient load against coturn and against traverse-turn, one server at a time,
// on 127.0.0.1. Prints relayed packets/s, loss, RTT, server CPU µs per relayed packet (from
// /proc/<pid>/stat), RSS, and each figure's ratio to coturn measured in this run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricValue, rssKb, runUclient, startPeer } from '../test/e2e/turn/support.ts';
import { CLK_TCK, buildTraverseTurn, cpuTicks, makeCert, startBuiltTraverseTurn, startCoturn } from './turn-servers.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const transports = (option('--transports') ?? 'udp,tcp,tls').split(',') as ('udp' | 'tcp' | 'tls')[];
/** --profile DIR: traverse-turn writes a V8 CPU profile per case there (summarize with bench/profile-summary.ts). */
const profileDir = option('--profile');
/** --node-flags A,B: extra node flags for traverse-turn (e.g. --max-semi-space-size=1 to see its effect on RSS). */
const nodeFlags = option('--node-flags')?.split(',') ?? [];

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
    buildTraverseTurn();
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
        const ours = await startBuiltTraverseTurn(cert, [...nodeFlags, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])]);
        stopAll.push(() => ours.stop());
        rows.push(await measure('traverse', ours.pid, ours.udpPort, ours.tlsPort!, peer.port, transport, load, ours.metricsUrl));
        await ours.stop();
        const [c, t] = rows.slice(-2) as [Row, Row];
        process.stderr.write(`done: ${transport} / ${load.name}: CPU µs/pkt coturn ${fmt(c.cpuUsPerPacket)} traverse ${fmt(t.cpuUsPerPacket)}, loss ${fmt(c.lossPct, 2)} / ${fmt(t.lossPct, 2)} %, RSS ${fmt(c.rssMb, 0)} / ${fmt(t.rssMb, 0)} MB\n`);
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
