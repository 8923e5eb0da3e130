// createTurnServer(options): the one factory the traverse-turn CLI and the media server use.
// Composition only: config → credentials, nonces, policy → protocol → relay allocator → listeners.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { pino, type Logger } from 'pino';
import type { Socket } from 'node:net';
import type { Registry } from 'prom-client';
import { createCredentialStore, createNonceMinter } from './auth/index.ts';
import { parseTurnOptions, type TurnServerConfig, type TurnServerSettings } from './config.ts';
import { createLogGate } from './log-gate.ts';
import type { TurnMetrics } from './metrics.ts';
import { createRelayAllocator } from './node/relay-allocator.ts';
import { selfSignedCertificate } from './node/certificate.ts';
import { createStreamAcceptor, listenStream, type StreamListener } from './node/stream-listener.ts';
import { listenUdp, type UdpListener } from './node/udp-listener.ts';
import { PeerPolicy, RateLimiter } from './policy/index.ts';
import { TurnProtocol, allocationInfo, type AllocationInfo, type TrafficByTransport, type TurnEvents } from './protocol/index.ts';
import type { TransportAddress } from './stun/index.ts';

/** Warn lines per second and kind that clients can cause (refused peers, failed authentications). */
const WARN_LINES_PER_SECOND = 5;

/** Every address of this host's interfaces (link-local IPv6 without its zone). */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.split('%')[0]!));
}

export interface TurnServerOptions extends TurnServerSettings {
  /** pino logger; default: silent. */
  logger?: Logger;
  /** prom-client registry to register turn_* metrics on; none: no metrics. */
  metrics?: Registry;
  /** Extra lifecycle hooks (the media server counts with them). */
  events?: TurnEvents;
  /** Milliseconds since the epoch; default Date.now. Tests move it to expire things on real sockets. */
  now?: () => number;
}

export interface TurnServer {
  readonly config: TurnServerConfig;
  /** Actual bound client-facing addresses (port 0 resolved). */
  addresses(): { udp: TransportAddress[]; tcp: TransportAddress[]; tls: TransportAddress[] };
  /** The TLS certificate in use (PEM) and whether it was generated because none was configured. */
  readonly tlsCertificate: { cert: string; selfSigned: boolean } | undefined;
  /** `relayPortsInUse` counts reserved ports too (`portReservations`, each held for at most 30 s). */
  stats(): { allocations: number; portReservations: number; relayPortsInUse: number; traffic: TrafficByTransport };
  allocations(): AllocationInfo[];
  /**
   * Serves a TCP connection accepted elsewhere (a port shared with other protocols, told apart by
   * their first bytes) exactly as the TCP listener does, or the TLS listener when `secure` (TLS is
   * then already terminated on `socket`). `head` holds the bytes already read from it. These
   * connections have limits of their own, one pool per kind, as one more listener would.
   */
  acceptConnection(socket: Socket, options: { secure: boolean; head?: Buffer }): void;
  close(): Promise<void>;
}

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

function firstInterfaceAddress(family: 4 | 6): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (family === 4 && a.family === 'IPv4') return a.address;
      if (family === 6 && a.family === 'IPv6' && !a.address.startsWith('fe80')) return a.address;
    }
  }
  return undefined;
}

function relayIpsFor(config: TurnServerConfig): { 4?: string; 6?: string } {
  const out: { 4?: string; 6?: string } = {};
  const candidates = config.relayIps.length > 0 ? config.relayIps : config.listeningIps;
  for (const ip of candidates) {
    const family = ip.includes(':') ? 6 : 4;
    if (out[family]) continue;
    const chosen = UNSPECIFIED.has(ip) ? firstInterfaceAddress(family) ?? (family === 4 ? '127.0.0.1' : undefined) : ip;
    if (chosen) out[family] = chosen;
  }
  return out;
}

function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

export async function createTurnServer(options: TurnServerOptions): Promise<TurnServer> {
  const { logger: givenLogger, metrics: registry, events: extraEvents, now = Date.now, ...settings } = options;
  const config = parseTurnOptions(settings);
  const log = (givenLogger ?? pino({ level: 'silent' })).child({ component: 'turn' });
  const relayIps = relayIpsFor(config);
  const secrets = config.authSecret === undefined ? [] : Array.isArray(config.authSecret) ? config.authSecret : [config.authSecret];
  const external = config.externalIp;
  const externalFamily = external?.includes(':') ? 6 : 4;

  let metrics: TurnMetrics | undefined;
  // Warn lines a client can cause: a few per second per kind (the metrics count every event).
  const warnings = createLogGate(WARN_LINES_PER_SECOND, now);
  const events: TurnEvents = {
    allocationCreated(info) {
      metrics?.allocationCreated();
      log.info({ allocation: info.id, user: info.username, transport: info.transport, client: `${info.client.address}:${info.client.port}`, relay: `${info.relay.address}:${info.relay.port}`, lifetime: info.lifetimeSeconds }, 'allocation created');
      extraEvents?.allocationCreated?.(info);
    },
    allocationRefreshed(info) {
      log.debug({ allocation: info.id, lifetime: info.lifetimeSeconds }, 'allocation refreshed');
      extraEvents?.allocationRefreshed?.(info);
    },
    allocationDeleted(info, reason, traffic) {
      log.info({ allocation: info.id, user: info.username, reason, ...traffic }, 'allocation deleted');
      extraEvents?.allocationDeleted?.(info, reason, traffic);
    },
    authFailure(client, transport, reason) {
      metrics?.authFailure();
      warnings.pass('auth', (suppressed) => log.warn({ client: `${client.address}:${client.port}`, transport, reason, ...(suppressed ? { suppressed } : {}) },
        suppressed ? `authentication failed (${suppressed} more suppressed)` : 'authentication failed'));
      extraEvents?.authFailure?.(client, transport, reason);
    },
    peerDenied(client, peer, reason) {
      warnings.pass('peer', (suppressed) => log.warn({ client: `${client.address}:${client.port}`, peer, reason, ...(suppressed ? { suppressed } : {}) },
        suppressed ? `peer refused (${suppressed} more suppressed)` : 'peer refused'));
      extraEvents?.peerDenied?.(client, peer, reason);
    },
    requestRejected(client, transport, method, code, reason) {
      metrics?.requestRefused(code);
      log.debug({ client: `${client.address}:${client.port}`, transport, method, code, reason }, 'request rejected');
      extraEvents?.requestRejected?.(client, transport, method, code, reason);
    },
    invalidPacket(client, transport, reason) {
      metrics?.invalidPacket(transport, reason);
      extraEvents?.invalidPacket?.(client, transport, reason);
    },
  };

  const relay = createRelayAllocator({
    relayIps,
    minPort: config.minPort,
    maxPort: config.maxPort,
    receiveBufferBytes: config.udpReceiveBufferBytes,
    onSocketError: (error, address) => log.debug({ err: error, relay: `${address.address}:${address.port}` }, 'relay socket error'),
  });
  const protocol = new TurnProtocol({
    realm: config.realm,
    credentials: createCredentialStore({ realm: config.realm, users: config.users, authSecrets: secrets }),
    nonces: createNonceMinter({ lifetimeSeconds: config.staleNonce }),
    peers: new PeerPolicy({
      allowed: config.allowedPeerIps,
      ...(config.allowedPeerPorts ? { allowedPorts: config.allowedPeerPorts } : {}),
      denied: config.deniedPeerIps,
      allowLoopback: config.allowLoopbackPeers,
      ownAddresses: [
        ...config.listeningIps, ...Object.values(relayIps), ...(external ? [external] : []),
        // Listening on 0.0.0.0 / :: answers on every address of this host: all of them are "own".
        ...(config.listeningIps.some((ip) => ip === '0.0.0.0' || ip === '::') ? hostAddresses() : []),
      ],
    }),
    authFailures: new RateLimiter({ burst: config.authFailureBurst, perSecond: config.authFailuresPerSecond, maxKeys: 100_000 }),
    allocateRelay: relay.allocate,
    now,
    relayFamilies: new Set(Object.keys(relayIps).map((f) => Number(f) as 4 | 6)),
    ...(external ? { advertisedRelayIp: (ip: string) => ((ip.includes(':') ? 6 : 4) === externalFamily ? external : ip) } : {}),
    defaultLifetimeSeconds: config.defaultAllocateLifetime,
    maxLifetimeSeconds: config.maxAllocateLifetime,
    permissionLifetimeSeconds: config.permissionLifetime,
    channelLifetimeSeconds: config.channelLifetime,
    userQuota: config.userQuota,
    totalQuota: config.totalQuota,
    maxPortReservations: config.maxPortReservations,
    maxPermissionsPerAllocation: config.maxPermissionsPerAllocation,
    maxChannelsPerAllocation: config.maxChannelsPerAllocation,
    events,
  });
  if (registry) {
    // prom-client is loaded only when metrics are asked for (about 10 MB of RSS otherwise unused).
    const { registerTurnMetrics } = await import('./metrics.ts');
    metrics = registerTurnMetrics(registry, protocol);
  }

  let tlsCertificate: TurnServer['tlsCertificate'];
  let tlsContext: { cert: string; key: string } | undefined;
  if (config.tls) {
    if (config.cert && config.pkey) {
      tlsContext = { cert: pem(config.cert), key: pem(config.pkey) };
      tlsCertificate = { cert: tlsContext.cert, selfSigned: false };
    } else {
      const ips = [...config.listeningIps, ...Object.values(relayIps), ...(external ? [external] : [])].filter((ip) => !UNSPECIFIED.has(ip));
      tlsContext = await selfSignedCertificate(config.serverName, { dns: [config.serverName, 'localhost'], ips });
      tlsCertificate = { cert: tlsContext.cert, selfSigned: true };
      log.warn('no --cert/--pkey given: TLS uses a generated self-signed certificate (development only; browsers will not trust it)');
    }
  }

  const udp: UdpListener[] = [];
  const streams: StreamListener[] = [];
  const tlsListeners: StreamListener[] = [];
  const limits = {
    unauthenticatedTimeoutMs: config.unauthenticatedTimeoutSeconds * 1000,
    maxConnections: config.maxConnections,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    maxFrameBytes: 65_535 + 20,
    maxPendingWriteBytes: config.maxPendingWriteBytes,
  };
  const onConnectionError = (kind: string) => (err: Error, remote: string) => log.debug({ err, remote }, `${kind} connection error`);
  const handedOver = {
    tcp: createStreamAcceptor({ protocol, kind: 'tcp', id: 'xt', limits, onConnectionError: onConnectionError('tcp') }),
    tls: createStreamAcceptor({ protocol, kind: 'tls', id: 'xs', limits, onConnectionError: onConnectionError('tls') }),
  };
  const closeAll = async () => {
    handedOver.tcp.close();
    handedOver.tls.close();
    await Promise.all([...udp, ...streams, ...tlsListeners].map((l) => l.close()));
  };
  try {
    for (const [i, ip] of config.listeningIps.entries()) {
      // One port number for UDP and TCP, as clients expect: when 0, TCP takes the port UDP got.
      let port = config.listeningPort;
      if (config.udp) {
        const l = await listenUdp(protocol, ip, port, `u${i}`, config.udpReceiveBufferBytes);
        udp.push(l);
        port = l.address.port;
      }
      if (config.tcp) {
        streams.push(await listenStream({ protocol, ip, port, id: `t${i}`, limits, onConnectionError: onConnectionError('tcp') }));
      }
      if (config.tls && tlsContext) {
        tlsListeners.push(await listenStream({
          protocol, ip, port: config.tlsListeningPort, id: `s${i}`, limits, tls: tlsContext, onConnectionError: onConnectionError('tls'),
        }));
      }
    }
  } catch (err) {
    await closeAll();
    protocol.close();
    throw err;
  }

  const sweeper = setInterval(() => protocol.sweep(), 1000);
  sweeper.unref();
  let closing: Promise<void> | undefined;
  const server: TurnServer = {
    config,
    tlsCertificate,
    addresses: () => ({ udp: udp.map((l) => l.address), tcp: streams.map((l) => l.address), tls: tlsListeners.map((l) => l.address) }),
    stats: () => ({ allocations: protocol.allocationCount, portReservations: protocol.reservationCount, relayPortsInUse: relay.pool.inUse, traffic: protocol.trafficTotals() }),
    allocations: () => [...protocol.allocations()].map(allocationInfo),
    acceptConnection: (socket, { secure, head }) => (secure ? handedOver.tls : handedOver.tcp).accept(socket, head),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        protocol.close();
        await closeAll();
        log.info('stopped');
      })();
      return closing;
    },
  };
  log.info({ ...server.addresses(), relay: relayIps }, 'listening');
  return server;
}
