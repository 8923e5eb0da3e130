// Starts traverse-turn and coturn's tools as child processes on loopback, and stops them by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { udpPortIsFree } from '../../../packages/turn/test/support/udp-port.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface Started {
  proc: ChildProcess;
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns a process with a hard time bound; stop() sends SIGTERM, then SIGKILL after 3 s. */
export function startProcess(command: string, args: string[], timeLimitMs: number): Started {
  const proc = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const killer = setTimeout(() => proc.kill('SIGKILL'), timeLimitMs);
  killer.unref();
  return {
    proc,
    pid: proc.pid!,
    output: () => out,
    async stop() {
      clearTimeout(killer);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const hard = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(hard);
    },
  };
}

export interface TurnProcess extends Started {
  udpPort: number;
  tcpPort: number;
  tlsPort?: number;
  metricsUrl?: string;
}

/** How to start the program: node flags, and the entry (default: the TypeScript sources through tsx). */
export interface TurnLaunch {
  nodeArgs?: string[];
  entry?: string;
}

/** Runs traverse-turn on 127.0.0.1 with ephemeral ports; resolves once it logs that it listens. */
export async function startTraverseTurn(extraArgs: string[], timeLimitMs = 300_000, launch: TurnLaunch = {}): Promise<TurnProcess> {
  const entry = launch.entry ? [launch.entry] : ['--import', 'tsx', 'packages/turn/bin/traverse-turn.ts'];
  const p = startProcess(process.execPath, [...(launch.nodeArgs ?? []), ...entry,
    '--listening-ip', '127.0.0.1', '--listening-port', '0', '--tls-listening-port', '0', '--relay-ip', '127.0.0.1',
    '--log-level', 'info', ...extraArgs], timeLimitMs);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const lines = p.output().split('\n');
    const listening = lines.map((l) => { try { return JSON.parse(l); } catch { return undefined; } }).find((j) => j?.msg === 'listening');
    const metrics = lines.map((l) => { try { return JSON.parse(l); } catch { return undefined; } }).find((j) => j?.msg === 'metrics endpoint');
    if (listening && (!extraArgs.includes('--prometheus') || metrics)) {
      return {
        ...p,
        udpPort: listening.udp[0]?.port ?? listening.tcp[0].port,
        tcpPort: listening.tcp[0]?.port ?? listening.udp[0].port,
        tlsPort: listening.tls[0]?.port,
        metricsUrl: metrics?.metrics,
      };
    }
    if (p.proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await p.stop();
  throw new Error(`traverse-turn did not start:\n${p.output()}`);
}

/** A UDP port that is free right now (bound and released). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Echo peers take ports from 62000–62999: outside Linux's ephemeral range (32768–60999), so the
 * kernel never hands one to another socket between our check and turnutils_peer's bind.
 */
const PEER_PORTS = { min: 62000, max: 62999 };

/** Whether a UDP echo answers on 127.0.0.1:port within `ms` (asked every 100 ms). */
export async function echoes(port: number, ms: number): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const probe = Buffer.from('tvturn-ready?');
  try {
    return await new Promise<boolean>((resolve) => {
      const ask = setInterval(() => s.send(probe, port, '127.0.0.1'), 100);
      const give = setTimeout(() => { clearInterval(ask); resolve(false); }, ms);
      s.on('message', (m, r) => {
        if (r.port !== port || !m.equals(probe)) return;
        clearInterval(ask);
        clearTimeout(give);
        resolve(true);
      });
      s.send(probe, port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

/** coturn's UDP echo peer on 127.0.0.1; resolves once it echoes (turnutils_peer logs nothing when ready). */
export async function startPeer(timeLimitMs = 300_000): Promise<Started & { port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = PEER_PORTS.min + Math.floor(Math.random() * (PEER_PORTS.max - PEER_PORTS.min + 1));
    if (!(await udpPortIsFree(port))) continue;
    const p = startProcess('turnutils_peer', ['-L', '127.0.0.1', '-p', String(port)], timeLimitMs);
    if (await echoes(port, 10_000)) return { ...p, port };
    await p.stop(); // Lost the port to someone else meanwhile (turnutils_peer then retries its bind forever).
  }
  throw new Error('turnutils_peer did not start on any port of 62000-62999');
}

export interface UclientResult {
  output: string;
  exitCode: number | null;
  lost?: number;
  sent?: number;
  received?: number;
  errors: string[];
}

/** Runs turnutils_uclient to completion (bounded) and reads its summary. */
export async function runUclient(args: string[], timeLimitMs = 120_000): Promise<UclientResult> {
  const p = startProcess('turnutils_uclient', args, timeLimitMs);
  const exitCode = await new Promise<number | null>((resolve) => p.proc.once('exit', (code) => resolve(code)));
  return parseUclient(p.output(), exitCode);
}

export function parseUclient(output: string, exitCode: number | null): UclientResult {
  const lost = /Total lost packets (\d+)/.exec(output);
  const totals = /tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/.exec(output.split('\n').filter((l) => l.includes('start_mclient: tot_send_msgs')).pop() ?? '');
  // Not errors of the server: uclient's TLS method lottery (TLS 1.0/1.1 contexts are refused and it
  // retries), and 437 when its new socket reuses the port of an earlier run's still-live allocation
  // (RFC 8656 says 437; uclient retries on another port).
  const errors = output.split('\n').filter((l) => /error \d{3}|cannot|failure/i.test(l) && !/SSL routines|tls_connect|error 437|allocate again 437/.test(l));
  return {
    output,
    exitCode,
    ...(lost ? { lost: Number(lost[1]) } : {}),
    ...(totals ? { sent: Number(totals[1]), received: Number(totals[2]) } : {}),
    errors,
  };
}

/** Reads a process's resident set size in kB from /proc. */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Fetches Prometheus text and reads one sample (sum over matching label sets). */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** Relay ports of the allocations traverse-turn logged as created in `output` (its JSON log lines). */
export function loggedRelayPorts(output: string): number[] {
  return output.split('\n').filter((l) => l.includes('"msg":"allocation created"'))
    .map((l) => Number(/"relay":"[^"]*:(\d+)"/.exec(l)?.[1]));
}
