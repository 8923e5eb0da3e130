// Composition root: config → logger → metrics → embedded TURN → media → signaling → HTTP.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { STREAM_STATUS_INFO } from '@traverse/protocol/constants';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { AddressAllowlist } from './api/address-allowlist.ts';
import { buildHttp } from './api/http.ts';
import type { ServerConfig } from './config/index.ts';
import { listenPublicPort } from './edge/public-port.ts';
import { dashboardAccess, startDashboardFeed, TurnRefusals, type DashboardFeed } from './dashboard/index.ts';
import { MediaServer } from './media/index.ts';
import { openSharedPorts } from './media/shared-ports/index.ts';
import { createLogger, resolveLogFormat } from './observability/logger.ts';
import { registerServerMetrics } from './observability/metrics.ts';
import { Signaling } from './signaling/index.ts';
import { startEmbeddedTurn, type EmbeddedTurn } from './turn/embedded.ts';
import { WhipResources } from './whip/index.ts';

export interface RunningApp {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly mediaIps: string[];
  readonly ports: { http: number; ws: number; https?: number; wss?: number; public?: number; turn?: { udp?: number; tcp?: number; tls?: number } };
  readonly media: MediaServer;
  /** The shared media ports (UDP per media address, ICE-TCP); undefined with a per-session port range. */
  readonly mediaPorts: { udp: number[]; tcp?: number } | undefined;
  readonly turn: EmbeddedTurn | undefined;
  readonly registry: Registry;
  /** The /dashboard/ feed (one sample per second). */
  readonly dashboard: DashboardFeed;
  /** Ends every stream with a status, closes every socket. Idempotent. */
  stop(): Promise<void>;
}

/** Open /dashboard/ event streams at once: each costs a JSON encoding per second. */
const DASHBOARD_MAX_CONNECTIONS = 16;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

function defaultMediaIp(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return '127.0.0.1';
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

export async function startApp(config: ServerConfig, options: { logger?: Logger } = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config.logLevel, resolveLogFormat(config.logFormat, process.stdout.isTTY));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const nodeId = `traverse-${randomUUID().slice(0, 8)}`;
  const mediaIps = config.mediaIps.length > 0 ? config.mediaIps : [defaultMediaIp()];
  const tls = config.cert && config.key ? { cert: pem(config.cert), key: pem(config.key) } : undefined;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((err) => logger.warn({ err }, 'error while stopping'));
  };

  try {
    // The shared media ports first: the embedded TURN relays to them and nowhere else on the media addresses.
    const perSessionPorts = config.mediaPortMin !== undefined && config.mediaPortMax !== undefined ? [config.mediaPortMin, config.mediaPortMax] as [number, number] : undefined;
    const shared = perSessionPorts ? undefined : await openSharedPorts({
      mediaIps, udpPort: config.mediaUdpPort,
      ...(config.iceTcp ? { tcpPort: config.mediaTcpPort ?? config.mediaUdpPort } : {}),
    });
    if (shared) closers.push(() => shared.close());
    const relayablePorts = shared ? [Math.min(...shared.udpPorts), Math.max(...shared.udpPorts)] as [number, number]
      : perSessionPorts && perSessionPorts[0] > 0 ? perSessionPorts : undefined;

    const turnRefusals = new TurnRefusals();
    const turn = config.turn.enabled ? await startEmbeddedTurn(config, mediaIps, relayablePorts, logger, registry, turnRefusals.events) : undefined;
    if (turn) closers.push(() => turn.close());

    const media = new MediaServer({
      network: { mediaIps, announcedIps: config.announcedIp ? [config.announcedIp] : [], portRange: perSessionPorts ?? [0, 0], ...(shared ? { shared: shared.ports } : {}) },
      timeouts: { iceMs: config.iceTimeoutSeconds * 1000, dtlsMs: config.dtlsTimeoutSeconds * 1000, gatheringMs: 10_000, keepAliveMs: config.peerTimeoutSeconds * 1000 },
      keyFrameIntervalMs: config.keyFrameIntervalMs,
      logger,
    });
    const signaling = new Signaling({
      media, logger, nodeId,
      maxConnections: config.maxConnections,
      maxConnectionsPerIp: config.maxConnectionsPerIp,
      maxMessagesPerSecond: config.maxMessagesPerSecond,
      maxStreamsPerConnection: config.maxStreamsPerConnection,
      pingIntervalMs: config.pingIntervalSeconds * 1000,
      ...(turn ? { turnCredentials: (host: string | undefined) => turn.credentials(host) } : {}),
    });
    registerServerMetrics(registry, { connections: () => signaling.connections, sessions: () => media.counts(), media: media.stats, signaling: signaling.counters });

    const dashboard = startDashboardFeed({ nodeId, media, turn: turn ? { server: turn.server, refusals: turnRefusals } : undefined, connections: () => signaling.connections },
      (err) => logger.debug({ err }, 'dashboard connection error'));
    closers.push(async () => dashboard.close());
    const restAllowed = new AddressAllowlist(config.restAllowedIps);

    const started = Date.now();
    let ports: RunningApp['ports'] = { http: 0, ws: 0 };
    const httpDeps = {
      logger, registry, nodeId,
      streams: { find: (f: object) => media.find(f), terminate: (f: object) => media.terminate(f) },
      examplesDir: config.examplesDir ?? `${repoRoot}examples`,
      sdkBundle: config.sdkBundle ?? `${repoRoot}packages/sdk/dist/flashphoner.js`,
      health: () => ({ uptimeSeconds: Math.round((Date.now() - started) / 1000), connections: signaling.connections, ...media.counts(), turnAllocations: turn?.server.stats().allocations }),
      serverInfo: ({ localPort }: { localPort: number | undefined }) => {
        // A page loaded from the public port signals there too: it may be the only port the firewall leaves.
        const viaPublic = ports.public !== undefined && localPort === ports.public;
        return {
          wsPort: ports.ws, ...(ports.wss ? { wssPort: viaPublic ? ports.public : ports.wss } : {}), ...(ports.https ? { httpsPort: viaPublic ? ports.public : ports.https } : {}),
          ...(ports.public ? { publicPort: ports.public } : {}), turnEnabled: turn !== undefined,
        };
      },
      ...(turn ? { turnCredentials: (host: string | undefined) => turn.credentials(host) } : {}),
      restAllowed,
      dashboard: { feed: dashboard.feed, access: dashboardAccess({ addresses: restAllowed, token: config.dashboardToken }), maxConnections: DASHBOARD_MAX_CONNECTIONS },
      whip: {
        media, logger, resources: new WhipResources(),
        tokens: { token: config.whipToken, tokens: config.whipTokens },
        iceServers: turn ? (host: string | undefined) => turn.credentials(host) : undefined,
      },
    };
    const http = await buildHttp(httpDeps);
    await http.listen({ port: config.httpPort, host: config.listenIp });
    closers.push(() => http.close());
    ports = { http: (http.server.address() as { port: number }).port, ws: 0 };
    let httpsRoutes: RequestListener | undefined;
    // A public port on the HTTPS or WSS port number (8443 is both wssPort's default and a common
    // choice) takes that listener's place: it serves the same routes and signaling.
    const absorbedByPublicPort = (port: number) => tls !== undefined && config.publicPort !== undefined && config.publicPort !== 0 && port === config.publicPort;
    if (tls) {
      const httpsApp = await buildHttp(httpDeps, tls);
      if (absorbedByPublicPort(config.httpsPort)) {
        await httpsApp.ready();
      } else {
        await httpsApp.listen({ port: config.httpsPort, host: config.listenIp });
        ports.https = (httpsApp.server.address() as { port: number }).port;
      }
      closers.push(() => httpsApp.close());
      httpsRoutes = httpsApp.routing;
    }

    const wsServer = createHttpServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket signaling endpoint: connect with ws://\n'));
    signaling.attach(wsServer);
    ports.ws = await listen(wsServer, config.wsPort, config.listenIp);
    closers.push(() => new Promise((r) => {
      wsServer.close(() => r());
      wsServer.closeAllConnections();
    }));
    if (tls && !absorbedByPublicPort(config.wssPort)) {
      const wssServer = createHttpsServer(tls, (_req, res) => res.writeHead(426).end('WebSocket signaling endpoint: connect with wss://\n'));
      signaling.attach(wssServer as unknown as Server);
      ports.wss = await listen(wssServer as unknown as Server, config.wssPort, config.listenIp);
      closers.push(() => new Promise((r) => {
        wssServer.close(() => r());
        wssServer.closeAllConnections();
      }));
    }
    if (tls && httpsRoutes && config.publicPort !== undefined) {
      // One port for pages, REST, WSS, TURN over TLS and TCP, and ICE-TCP (edge/public-port.ts).
      const publicHttps = createHttpServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, httpsRoutes);
      signaling.attach(publicHttps);
      const publicPort = await listenPublicPort({
        host: config.listenIp, port: config.publicPort, tls, https: publicHttps, logger, registry,
        ...(turn ? { turn: (socket, handover) => turn.server.acceptConnection(socket, handover) } : {}),
        ...(shared && config.iceTcp ? { iceTcp: (socket, head) => media.acceptIceTcp(socket, head) } : {}),
      });
      closers.push(() => publicPort.close());
      ports.public = publicPort.port;
      if (absorbedByPublicPort(config.httpsPort)) ports.https = publicPort.port;
      if (absorbedByPublicPort(config.wssPort)) ports.wss = publicPort.port;
      shared?.offerTcpPort(publicPort.port);
      turn?.advertisePublicPort(publicPort.port);
    }
    // Registered last so it runs first: streams end with a status over still-open sockets, then
    // the sockets close, and only then the listeners.
    closers.push(async () => {
      media.close(STREAM_STATUS_INFO.REQUESTED_STREAM_SHUTDOWN);
      await signaling.close();
    });
    if (turn) {
      const a = turn.server.addresses();
      ports.turn = { ...(a.udp[0] ? { udp: a.udp[0].port } : {}), ...(a.tcp[0] ? { tcp: a.tcp[0].port } : {}), ...(a.tls[0] ? { tls: a.tls[0].port } : {}) };
    }

    let stopping: Promise<void> | undefined;
    return {
      config, logger, mediaIps, ports, media, turn, registry, dashboard: dashboard.feed,
      mediaPorts: shared ? { udp: shared.udpPorts, ...(shared.tcpPort !== undefined ? { tcp: shared.tcpPort } : {}) } : undefined,
      stop: () => (stopping ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
