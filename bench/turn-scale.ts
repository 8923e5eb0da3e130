// npm run bench:turn-scale [-- --allocations 2000 --seconds 30]
// Scale check: many UDP allocations held open at once, each with a channel (and so a permission) to
// an echo peer and light traffic (1 ChannelData of 100 B per second each way), first against coturn,
// then against traverse-turn, the same load from the same client. The client is this process (the
// project's own TURN client; turnutils_uclient stalls at this many sessions). Reports, per server:
// allocations live (relay sockets counted from /proc/<pid>/fd), RSS idle and with every allocation
// held, memory per allocation, CPU to set them up, and CPU with the traffic running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rssKb, startPeer, type Started } from '../test/e2e/turn/support.ts';
import { TurnSocketClient } from '../packages/turn/test/support/socket-client.ts';
import { looksLikeChannelData } from '../packages/turn/src/wire/index.ts';
import { CLK_TCK, buildTraverseTurn, cpuTicks, makeCert, openFds, startBuiltTraverseTurn, startCoturn } from './turn-servers.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const allocations = option('--allocations', 2000);
const seconds = option('--seconds', 30);
/** Allocations being set up at once. */
const CONCURRENCY = 50;
const CHANNEL = 0x4001;

interface Result {
  server: 'coturn' | 'traverse';
  held: number;
  failed: number;
  rssIdleMb: number;
  rssHeldMb: number;
  rssPeakMb: number;
  kbPerAllocation: number;
  setupCpuS: number;
  setupS: number;
  cpuPct: number;
  cpuUsPerPacket: number;
  sent: number;
  echoed: number;
}

async function measure(server: Result['server'], proc: Started, port: number, peerPort: number): Promise<Result> {
  await new Promise((r) => setTimeout(r, 1000));
  const idleFds = openFds(proc.pid);
  const rssIdle = rssKb(proc.pid);
  let rssPeak = rssIdle;
  const sampler = setInterval(() => {
    try {
      rssPeak = Math.max(rssPeak, rssKb(proc.pid));
    } catch {
      // The process ended; the run reports what was seen.
    }
  }, 250);
  const clients: TurnSocketClient[] = [];
  let failed = 0;
  const setupTicks0 = cpuTicks(proc.pid);
  const setupStart = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < allocations) {
      next++;
      const c = await TurnSocketClient.connect('udp', '127.0.0.1', port);
      try {
        const a = await c.allocate({ username: 'u', password: 'p' });
        const b = a.code === undefined ? await c.channelBind(CHANNEL, '127.0.0.1', peerPort) : a;
        if (b.code !== undefined) throw new Error(`error ${b.code}`);
        clients.push(c);
      } catch {
        failed++;
        c.close();
      }
    }
  }));
  const setupS = (Date.now() - setupStart) / 1000;
  const setupCpuS = (cpuTicks(proc.pid) - setupTicks0) / CLK_TCK;
  await new Promise((r) => setTimeout(r, 2000));
  const held = openFds(proc.pid) - idleFds;
  const rssHeld = rssKb(proc.pid);

  // Traffic: every client sends once a second, spread over the second in 20 slices.
  const payload = Buffer.alloc(100, 0x5a);
  const ticks0 = cpuTicks(proc.pid);
  const t0 = Date.now();
  let sent = 0;
  for (let tick = 0; tick < seconds * 20; tick++) {
    for (let i = tick % 20; i < clients.length; i += 20) {
      clients[i]!.sendChannelData(CHANNEL, payload);
      sent++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (tick + 1) * 50 - Date.now())));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const elapsed = (Date.now() - t0) / 1000;
  const cpuS = (cpuTicks(proc.pid) - ticks0) / CLK_TCK;
  clearInterval(sampler);
  const echoed = clients.reduce((n, c) => n + c.drain().filter((b) => looksLikeChannelData(b)).length, 0);
  for (const c of clients) c.close();
  return {
    server, held, failed,
    rssIdleMb: rssIdle / 1024,
    rssHeldMb: rssHeld / 1024,
    rssPeakMb: rssPeak / 1024,
    kbPerAllocation: held > 0 ? (rssHeld - rssIdle) / held : NaN,
    setupCpuS, setupS,
    cpuPct: (100 * cpuS) / elapsed,
    cpuUsPerPacket: (cpuS * 1e6) / Math.max(1, sent + echoed),
    sent, echoed,
  };
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-turn-scale-'));
  const cert = makeCert(dir);
  const results: Result[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    buildTraverseTurn();
    const peer = await startPeer(1_800_000);
    stops.push(() => peer.stop());
    const coturn = await startCoturn(cert);
    stops.push(() => coturn.stop());
    results.push(await measure('coturn', coturn, coturn.udpPort, peer.port));
    await coturn.stop();
    process.stderr.write('done: coturn\n');
    const ours = await startBuiltTraverseTurn(cert);
    stops.push(() => ours.stop());
    results.push(await measure('traverse', ours, ours.udpPort, peer.port));
    await ours.stop();
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  const lines = [
    `${allocations} UDP allocations, each with a channel to the echo peer, 1 × 100 B per second each way for ${seconds} s`,
    '| server | relay sockets held (failed) | set-up s (server CPU s) | RSS idle → all held (peak) MB | KB per allocation | sent → echoed | CPU % of one core with traffic | CPU µs / relayed pkt |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.server} | ${r.held} (${r.failed}) | ${fmt(r.setupS)} (${fmt(r.setupCpuS, 2)}) | ${fmt(r.rssIdleMb)} → ${fmt(r.rssHeldMb)} (${fmt(r.rssPeakMb)}) | ${fmt(r.kbPerAllocation)} | ${r.sent} → ${r.echoed} | ${fmt(r.cpuPct)} | ${fmt(r.cpuUsPerPacket)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
