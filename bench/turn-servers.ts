// What the TURN benchmarks share: coturn started on free ports with the same settings as
// traverse-turn, traverse-turn started from its build (what the installed command runs), and the
// server-side CPU and memory readings from /proc.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freeUdpPort, startProcess, startTraverseTurn, type Started, type TurnProcess } from '../test/e2e/turn/support.ts';

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Open file descriptors of a process: listeners plus one relay socket per allocation (both servers). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export function makeCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=bench', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

/** A port free for UDP and for TCP right now (coturn listens on both). */
export async function freePort(): Promise<number> {
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

export async function startCoturn(cert: { cert: string; key: string }, extra: string[] = []): Promise<Started & { udpPort: number; tlsPort: number }> {
  const udpPort = await freePort();
  const tlsPort = await freePort();
  const p = startProcess('turnserver', ['-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${udpPort}`,
    `--tls-listening-port=${tlsPort}`, `--cert=${cert.cert}`, `--pkey=${cert.key}`, '--lt-cred-mech', '--user=u:p', '--realm=test',
    '--allow-loopback-peers', '--min-port=40000', '--max-port=59999', '--no-cli', '--no-dtls', '--log-file=stdout', '--simple-log', ...extra], 1_800_000);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !/Total General servers|relay ports/.test(p.output())) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1000));
  return { ...p, udpPort, tlsPort };
}

/** Builds traverse-turn (packages/turn/build.mjs) so the launcher runs plain JavaScript, as installed. */
export function buildTraverseTurn(): void {
  execFileSync(process.execPath, ['packages/turn/build.mjs'], { stdio: 'inherit' });
}

const LAUNCHER = 'packages/turn/bin/traverse-turn.js';

/** The node flags of the launcher's `#!/usr/bin/env -S node …` line: what the installed command runs with. */
function launcherFlags(): string[] {
  const shebang = readFileSync(LAUNCHER, 'utf8').split('\n')[0]!;
  return shebang.split(/\s+/).slice(shebang.split(/\s+/).indexOf('node') + 1);
}

/** traverse-turn through its launcher, as installed, with the same settings as startCoturn. */
export function startBuiltTraverseTurn(cert: { cert: string; key: string }, nodeArgs: string[] = [], extra: string[] = []): Promise<TurnProcess> {
  return startTraverseTurn(['--min-port', '40000', '--max-port', '59999', '--user', 'u:p', '--realm', 'test',
    '--allow-loopback-peers', '--cert', cert.cert, '--pkey', cert.key, '--prometheus', '0', '--log-level', 'info', ...extra], 1_800_000,
  { nodeArgs: [...launcherFlags(), ...nodeArgs], entry: LAUNCHER });
}
