// /dashboard/: the page, its bundled script and CSS (dist/dashboard, made by `npm run build`), and
// /dashboard/events, a server-sent-events stream of one sample per second. Everything under
// /dashboard is behind the dashboard's access check.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { DashboardAccess } from './access.ts';
import type { DashboardFeed } from './feed.ts';
import type { DashboardHello } from './sample.ts';

export const DASHBOARD_ASSETS = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

export interface DashboardRouteOptions {
  feed: DashboardFeed;
  access: DashboardAccess;
  /** Open event streams at once; more are answered 503. */
  maxConnections: number;
  assetsDir?: string;
}

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'application/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

export const dashboardRoutes: FastifyPluginAsync<DashboardRouteOptions> = async (app, options) => {
  const dir = options.assetsDir ?? DASHBOARD_ASSETS;
  /** Ends each open event stream before the server closes: its close() waits for them otherwise. */
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...openStreams]) end();
  });

  app.addHook('onRequest', async (req, reply) => {
    if (req.url !== '/dashboard' && !req.url.startsWith('/dashboard/') && !req.url.startsWith('/dashboard?')) return;
    if (!options.access.allows({ remoteAddress: req.socket.remoteAddress, url: req.url, authorization: req.headers.authorization })) {
      return reply.code(403).type('text/plain').send(`The dashboard is not allowed from ${req.socket.remoteAddress ?? 'this address'}: use an address of restAllowedIps, or the dashboard token (?token=)\n`);
    }
  });

  app.get('/dashboard', async (req, reply) => {
    const query = req.url.indexOf('?');
    return reply.redirect(`/dashboard/${query < 0 ? '' : req.url.slice(query)}`);
  });

  const asset = (file: string) => async (_req: unknown, reply: FastifyReply) => {
    const path = `${dir}${file}`;
    if (!existsSync(path)) return reply.code(404).type('text/plain').send(`dashboard asset ${file} not found in ${dir}: run "npm run build"\n`);
    return reply.type(ASSETS[file]!).header('cache-control', 'no-cache').send(readFileSync(path));
  };
  app.get('/dashboard/', asset('index.html'));
  app.get('/dashboard/dashboard.js', asset('dashboard.js'));
  app.get('/dashboard/dashboard.css', asset('dashboard.css'));

  app.get('/dashboard/events', async (req, reply) => {
    if (openStreams.size >= options.maxConnections) {
      return reply.code(503).header('retry-after', '5').type('text/plain').send(`at most ${options.maxConnections} dashboard connections at once\n`);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const hello: DashboardHello = { history: options.feed.sampler.history(), sample: options.feed.sampler.last() };
    send('hello', hello);
    const unsubscribe = options.feed.subscribe((update) => {
      // A client that does not read: drop its updates rather than buffer them without bound.
      if (res.writableLength < 256 * 1024) send('update', update);
    });
    const close = () => {
      openStreams.delete(end);
      unsubscribe();
    };
    const end = () => {
      close();
      res.end();
    };
    openStreams.add(end);
    req.raw.on('close', close);
    res.on('close', close);
    res.on('error', close);
  });
};
