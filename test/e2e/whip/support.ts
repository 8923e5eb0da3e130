// What the WHIP/WHEP browser suites share: the third-party clients bundled for the page, and a
// static server for that page on another origin than Traverse (another loopback address), so the
// clients' requests are cross-origin and CORS is really exercised.
import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { seedPage } from '../server/seed-page.ts';

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
