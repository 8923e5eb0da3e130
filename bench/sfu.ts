// npm run bench:sfu [-- --players 16,64,128,256] [--seconds 20] [--profile DIR]
// One werift publisher sends ~1 Mbps of synthetic VP8 (120 packets/s × 1000 B) to the server, and N
// werift players play it. The server runs as its own process so its CPU can be read from /proc.
// Prints the server's CPU µs per forwarded packet, loss, publisher→player latency p50/p99 (both ends
// in this process, one clock) and RSS per player.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { TestPlayer, TestPublisher, until } from '../packages/server/test/support/werift-client.ts';
import { WsClient, newId, playPayload, publishPayload } from '../packages/server/test/support/ws-client.ts';
import { startProcess } from '../test/e2e/turn/support.ts';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : def);
const playerCounts = opt('--players', '16,64,128,256').split(',').map(Number);
const seconds = Number(opt('--seconds', '20'));
// --profile DIR: the server writes a V8 CPU profile there (node --cpu-prof) to see where the time goes.
const profileDir = args.includes('--profile') ? opt('--profile', '') : '';
const PPS = 120;
const PAYLOAD = 1000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}
function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}
function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}
async function forwarded(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  return Number(/traverse_rtp_packets_total\{direction="out"\} (\d+)/.exec(text)?.[1] ?? 0);
}

interface Row { players: number; publisherPps: number; forwardedPps: number; cpuPct: number; usPerPacket: number; lossPct: number; p50: number; p99: number; rssPerPlayerKb: number; ok: boolean }

async function runOne(n: number): Promise<Row> {
  const server = startProcess(process.execPath, [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), '--import', 'tsx', 'packages/server/bin/traverse.ts', '--http-port', '0', '--ws-port', '0',
    '--listen-ip', '127.0.0.1', '--media-ip', '127.0.0.1', '--no-turn', '--log-level', 'info', '--max-streams-per-connection', '1000'], 600_000);
  try {
    let ports: { http: number; ws: number } | undefined;
    await until(() => {
      const line = server.output().split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) ports = JSON.parse(line).ports;
      return ports !== undefined;
    }, 20_000, 'server start');
    const httpUrl = `http://127.0.0.1:${ports!.http}`;
    const ws = await WsClient.establish(`ws://127.0.0.1:${ports!.ws}/`);
    const publisher = new TestPublisher({ payloadBytes: PAYLOAD });
    const pubId = newId();
    ws.send('publishStream', publishPayload(pubId, 'bench', await publisher.offer()));
    await publisher.accept(await ws.answer(pubId));
    await ws.status(pubId);
    publisher.startSending(PPS);
    const rss0 = rssKb(server.pid);
    const players: TestPlayer[] = [];
    for (let i = 0; i < n; i++) {
      const p = new TestPlayer({ keepIndexes: false });
      const id = newId();
      ws.send('playStream', playPayload(id, 'bench', await p.offer()));
      await p.accept(await ws.answer(id, 30_000));
      players.push(p);
    }
    await until(() => players.every((p) => p.videoPackets > 0), 60_000, 'every player receiving');
    await new Promise((r) => setTimeout(r, 3000)); // settle
    for (const p of players) { p.videoPackets = 0; p.latencies.length = 0; }
    const sentBefore = publisher.sent;
    const fwd0 = await forwarded(httpUrl);
    const cpu0 = cpuTicks(server.pid);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const elapsed = (Date.now() - t0) / 1000;
    const cpu = (cpuTicks(server.pid) - cpu0) / CLK_TCK;
    const fwd = (await forwarded(httpUrl)) - fwd0;
    const sent = publisher.sent - sentBefore;
    const received = players.reduce((a, p) => a + p.videoPackets, 0);
    const expected = sent * n;
    const lat = players.flatMap((p) => p.latencies).sort((a, b) => a - b);
    const row: Row = {
      players: n,
      publisherPps: sent / elapsed,
      forwardedPps: fwd / elapsed,
      cpuPct: (100 * cpu) / elapsed,
      usPerPacket: (cpu * 1e6) / Math.max(1, fwd),
      lossPct: expected > 0 ? Math.max(0, (100 * (expected - received)) / expected) : 100,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      rssPerPlayerKb: (rssKb(server.pid) - rss0) / n,
      // Full rate: the publisher really sent ~120 video packets/s (the generator was not saturated) and
      // players got them.
      ok: sent / elapsed >= PPS * 0.95 && received >= expected * 0.98,
    };
    publisher.stopSending();
    ws.close();
    await Promise.all([publisher.close(), ...players.map((p) => p.close())]);
    return row;
  } finally {
    await server.stop();
  }
}

const rows: Row[] = [];
for (const n of playerCounts) {
  try {
    rows.push(await runOne(n));
    process.stderr.write(`done: ${n} players\n`);
  } catch (err) {
    process.stderr.write(`${n} players: ${(err as Error).message}\n`);
  }
}
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
process.stdout.write([
  '| players | publisher video pkt/s | forwarded pkt/s (audio+video) | server CPU % | CPU µs / forwarded pkt | video loss % | latency p50 / p99 ms | RSS per player KB | full rate |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.players} | ${f(r.publisherPps, 0)} | ${f(r.forwardedPps, 0)} | ${f(r.cpuPct)} | ${f(r.usPerPacket)} | ${f(r.lossPct, 2)} | ${f(r.p50)} / ${f(r.p99)} | ${f(r.rssPerPlayerKb, 0)} | ${r.ok ? 'yes' : 'no'} |`),
].join('\n') + '\n');
process.exit(0);
