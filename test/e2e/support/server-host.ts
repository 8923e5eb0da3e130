// Traverse as a real process on a test host (a network namespace), with the example pages plus the
// seed pages for both SDKs: our bundle (/sdk/flashphoner.js) and the stock @flashphoner/websdk.
import { type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedPage } from '../server/seed-page.ts';
import type { Host, Topology } from './netns.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const stockSdk = join(root, 'node_modules/@flashphoner/websdk/flashphoner.js');

export type SdkName = 'ours' | 'stock';

export interface ServerHost {
  /** http://<server ip>:8888 */
  base: string;
  /** ws://<server ip>:8080/ */
  wsUrl: string;
  /** The seed page for an SDK. */
  seedUrl(sdk: SdkName): string;
  log(): string;
  stop(): Promise<void>;
}

export async function startServerHost(net: Topology, host: Host, extraArgs: string[] = []): Promise<ServerHost> {
  const dir = mkdtempSync(join(tmpdir(), 'traverse-host-'));
  const pages = join(dir, 'pages');
  cpSync(join(root, 'examples'), pages, { recursive: true });
  copyFileSync(stockSdk, join(pages, 'flashphoner-stock.js'));
  writeFileSync(join(pages, 'seed-ours.html'), seedPage('/sdk/flashphoner.js'));
  writeFileSync(join(pages, 'seed-stock.html'), seedPage('/flashphoner-stock.js'));
  let log = '';
  const server: ChildProcess = net.spawnIn(host, process.execPath, ['--import', 'tsx', join(root, 'packages/server/bin/traverse.ts'),
    '--listen-ip', host.ip, '--media-ip', host.ip, '--turn-listening-ip', host.ip, '--turn-relay-ip', host.ip,
    '--examples-dir', pages, '--log-level', 'info', ...extraArgs]);
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!log.includes('"msg":"listening"')) {
    if (server.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not start: ${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const base = `http://${host.ip}:8888`;
  return { base, wsUrl: `ws://${host.ip}:8080/`, seedUrl: (sdk) => `${base}/seed-${sdk}.html`, log: () => log, stop };
}
