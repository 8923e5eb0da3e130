// What the WHIP/WHEP browser suites share: the third-party clients bundled for the page, and a
// static server for that page on another origin than Traverse (another loopback address), so the
// clients' requests are cross-origin and CORS is really exercised.
import { type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { seedPage } from '../server/seed-page.ts';
import type { Topology } from '../support/netns.ts';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface PageOrigin {
  /** http://127.0.0.2:<port> */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'application/javascript; charset=utf-8' };

/** Bundles the page's clients and serves the page from `host` (port chosen by the OS). */
export async function servePage(host = '127.0.0.2'): Promise<PageOrigin> {
  const dir = mkdtempSync(join(tmpdir(), 'traverse-whip-page-'));
  await build({ entryPoints: [join(here, 'page/third-party-clients.mjs')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome110', outfile: join(dir, 'clients.js'), logLevel: 'silent' });
  copyFileSync(join(here, 'page/index.html'), join(dir, 'index.html'));
  const server: Server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').slice(1).split('?')[0]!;
    try {
      const body = readFileSync(join(dir, name.replace(/[^a-z.-]/gi, '')));
      res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
      rmSync(dir, { recursive: true, force: true });
    }),
  };
}

/** A folder of pages for Traverse itself: the stock Flashphoner SDK's seed page. */
export function stockSeedPages(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'traverse-whip-seed-'));
  copyFileSync(join(root, 'node_modules/@flashphoner/websdk/flashphoner.js'), join(dir, 'flashphoner.js'));
  writeFileSync(join(dir, 'seed.html'), seedPage('flashphoner.js'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Ports of Traverse on the namespace's server host (this suite's range, though a namespace has its own). */
export const NS_HTTP_PORT = 21080;
export const NS_TURN_PORT = 21478;
const NS_PORTS = ['--http-port', String(NS_HTTP_PORT), '--ws-port', '21081', '--turn-port', String(NS_TURN_PORT), '--turn-tls-port', '21349',
  '--turn-min-port', '21500', '--turn-max-port', '21999', '--media-port-min', '21100', '--media-port-max', '21299'];

export interface NamespaceServer {
  /** http://<server ip>:21080 */
  base: string;
  log(): string;
  stop(): void;
}

/** Traverse as a process on the topology's server host, with the example pages; REST open to the client host. */
export async function startTraverseIn(net: Topology): Promise<NamespaceServer> {
  const dir = mkdtempSync(join(tmpdir(), 'traverse-whip-ns-'));
  cpSync(join(root, 'examples'), join(dir, 'pages'), { recursive: true });
  let log = '';
  const server: ChildProcess = net.spawnIn(net.server, process.execPath, ['--import', 'tsx', join(root, 'packages/server/bin/traverse.ts'),
    '--media-ip', net.server.ip, '--turn-relay-ip', net.server.ip, '--examples-dir', join(dir, 'pages'), ...NS_PORTS,
    '--rest-allowed-ip', `${net.client.ip}/32`, '--log-level', 'info']);
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const stop = () => {
    if (server.exitCode === null) server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the server to listen', 30_000, () => (log.includes('"msg":"listening"') || server.exitCode !== null ? true : undefined), { lastSeen: () => log.slice(-2000) });
    if (server.exitCode !== null) throw new Error(`the server exited: ${log.slice(-2000)}`);
  } catch (err) {
    stop();
    throw err;
  }
  return { base: `http://${net.server.ip}:${NS_HTTP_PORT}`, log: () => log, stop };
}

/** The text of an example page's status element once it matches `wanted` (or says FAILED), bounded. */
export async function statusOf(page: Page, id: string, wanted: RegExp, timeoutMs: number): Promise<string> {
  const handle = await page.waitForFunction(([i, w]) => {
    const t = document.getElementById(i)!.textContent ?? '';
    return new RegExp(w).test(t) || /FAILED/.test(t) ? t : undefined;
  }, [id, wanted.source] as const, { timeout: timeoutMs, polling: 200 });
  return (await handle.jsonValue()) as string;
}

export interface ListedSession {
  status: string;
  published: boolean;
  remoteAddress?: string;
}

/** REST /rest-api/stream/find for `name`, called from `page` (the host allowed to call it). */
export async function listedThrough(page: Page, name: string): Promise<ListedSession[]> {
  return page.evaluate(async (n) => {
    const res = await fetch('/rest-api/stream/find', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: n }) });
    return res.ok ? ((await res.json()) as ListedSession[]) : [];
  }, name);
}
