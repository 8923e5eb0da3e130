// The HTTP surface: example pages, the SDK bundle, the REST API, /health, /metrics and
// /turn-credentials. Thin handlers: validation, then a call into the services.
import { createReadStream, existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AddressAllowlist } from './address-allowlist.ts';
import { dashboardRoutes, type DashboardAccess, type DashboardFeed } from '../dashboard/index.ts';
import { findFilterSchema, terminateFilterSchema, wcsStream, type StreamDirectory } from './rest-streams.ts';
import { restRefusalHook } from './rest-refusals.ts';
import { whipRoutes, type WhipDeps } from '../whip/index.ts';

export interface HttpDeps {
  logger: Logger;
  registry: Registry;
  streams: StreamDirectory;
  nodeId: string;
  examplesDir: string;
  sdkBundle: string;
  health(): Record<string, unknown>;
  /**
   * What the example pages need to connect: signaling ports. `localPort`: the server port the request
   * came in on (a page from the public port signals on the public port).
   */
  serverInfo(request: { localPort: number | undefined }): Record<string, unknown>;
  turnCredentials?: (host: string | undefined) => unknown;
  /** Who may call /rest-api/. */
  restAllowed: AddressAllowlist;
  /** /dashboard/; its token also opens /rest-api/ (the page's Terminate calls it). */
  dashboard?: { feed: DashboardFeed; access: DashboardAccess; maxConnections: number };
  /** WHIP ingest and WHEP playback at /whip/ and /whep/. */
  whip?: WhipDeps;
}

export async function buildHttp(deps: HttpDeps, https?: { cert: string; key: string }) {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    ...(https ? { https } : {}),
  });

  // WCS REST accepts cross-origin calls (rest_access_control_allow_origin=*).
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/rest-api/') || req.url.startsWith('/turn-credentials')) {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-allow-headers', 'content-type,x-requested-with');
      reply.header('access-control-allow-methods', 'GET,POST,OPTIONS');
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/rest-api/') && !deps.restAllowed.allows(req.socket.remoteAddress)
      && !deps.dashboard?.access.tokenPresented({ url: req.url, authorization: req.headers.authorization })) {
      return reply.code(403).send({ error: `REST API not allowed from ${req.socket.remoteAddress ?? 'this address'} (restAllowedIps)`, status: 403 });
    }
  });
  app.addHook('onResponse', restRefusalHook(deps));
  app.options('/*', async (_req, reply) => reply.code(204).send());

  app.get('/health', async () => ({ status: 'ok', ...deps.health() }));
  app.get('/server-info', async (req) => deps.serverInfo({ localPort: req.socket.localPort }));
  app.get('/metrics', async (_req, reply) => reply.type(deps.registry.contentType).send(await deps.registry.metrics()));

  app.get('/turn-credentials', async (req, reply) => {
    if (!deps.turnCredentials) return reply.code(404).send({ error: 'the embedded TURN server is disabled' });
    reply.header('cache-control', 'no-store');
    return deps.turnCredentials(req.headers.host);
  });

  app.get('/sdk/flashphoner.js', async (_req, reply) => {
    if (!existsSync(deps.sdkBundle)) {
      return reply.code(404).type('text/plain').send(`SDK bundle not found at ${deps.sdkBundle}: run "npm run build"`);
    }
    return reply.type('application/javascript; charset=utf-8').header('cache-control', 'no-cache').send(createReadStream(deps.sdkBundle));
  });

  const notFound = (reply: { code(n: number): { send(b: unknown): unknown } }) => reply.code(404).send({ error: 'Stream not found', status: 404 });
  const badQuery = (reply: { code(n: number): { send(b: unknown): unknown } }, detail: string) =>
    reply.code(400).send({ error: 'Query parameters error', detail, status: 400 });

  const findAll = async (_req: unknown, reply: Parameters<typeof notFound>[0]) => {
    const found = deps.streams.find({});
    return found.length === 0 ? notFound(reply) : found.map((r) => wcsStream(r, deps.nodeId));
  };
  app.get('/rest-api/stream/find_all', findAll);
  app.post('/rest-api/stream/find_all', findAll);

  app.post('/rest-api/stream/find', async (req, reply) => {
    const filter = findFilterSchema.safeParse(req.body ?? {});
    if (!filter.success) return badQuery(reply, filter.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const found = deps.streams.find(filter.data);
    return found.length === 0 ? notFound(reply) : found.map((r) => wcsStream(r, deps.nodeId));
  });

  app.post('/rest-api/stream/terminate', async (req, reply) => {
    const filter = terminateFilterSchema.safeParse(req.body ?? {});
    if (!filter.success) return badQuery(reply, filter.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const n = deps.streams.terminate(filter.data);
    return n === 0 ? notFound(reply) : reply.code(200).send({ terminated: n });
  });

  if (deps.dashboard) await app.register(dashboardRoutes, deps.dashboard);
  if (deps.whip) await app.register(whipRoutes, deps.whip);

  if (existsSync(deps.examplesDir)) {
    await app.register(fastifyStatic, { root: deps.examplesDir, prefix: '/', index: ['index.html'], redirect: true });
  }
  return app;
}
