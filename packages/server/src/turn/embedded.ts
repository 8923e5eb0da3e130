// The embedded TURN server: @traverse/turn with the media addresses allowed as peers (everything
// else keeps the safe defaults) and time-limited credentials for the pages.
import { randomBytes } from 'node:crypto';
import { createTurnServer, mintRestCredentials, type TurnEvents, type TurnServer } from '@traverse/turn';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ServerConfig } from '../config/index.ts';

export interface EmbeddedTurn {
  server: TurnServer;
  /** What GET /turn-credentials answers (and the connect reply hands out). */
  credentials(requestHost: string | undefined): { urls: string[]; username: string; credential: string; ttl: number };
  /** The public port now carries TURN over TCP and TLS too: credentials() advertise it, first. */
  advertisePublicPort(port: number): void;
  close(): Promise<void>;
}

function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

/**
 * `mediaPorts`: the UDP ports browsers relay to on the media addresses (the shared port, or the
 * per-session range); undefined when the OS chooses per session, which allows any port.
 */
export async function startEmbeddedTurn(config: ServerConfig, mediaIps: string[], mediaPorts: [number, number] | undefined, logger: Logger, registry: Registry, events?: TurnEvents): Promise<EmbeddedTurn> {
  const t = config.turn;
  const secret = t.secret ?? randomBytes(24).toString('base64url');
  const demo = t.demoUser ? [{ username: t.demoUser.split(':')[0]!, password: t.demoUser.slice(t.demoUser.indexOf(':') + 1) }] : [];
  const cert = t.cert ?? config.cert;
  const key = t.key ?? config.key;
  if (!mediaPorts) {
    logger.warn({ mediaIps }, 'media ports are chosen by the OS per session (mediaPortMin 0): the embedded TURN may relay to any UDP port of the media addresses; use the shared media port (mediaUdpPort) or a port range in production');
  }
  const server = await createTurnServer({
    listeningIps: t.listeningIps,
    listeningPort: t.port,
    tlsListeningPort: t.tlsPort,
    tls: t.tls,
    relayIps: t.relayIps,
    ...(t.externalIp ? { externalIp: t.externalIp } : {}),
    minPort: t.minPort,
    maxPort: t.maxPort,
    realm: t.realm,
    authSecret: secret,
    users: demo,
    ...(cert && key ? { cert, pkey: key } : {}),
    // The media server is the peer browsers relay to; its addresses may be private or loopback.
    allowedPeerIps: [...new Set([...mediaIps, ...(config.announcedIp ? [config.announcedIp] : [])])],
    // ...on the media ports only, not every UDP service of that host (unknown when the OS picks them).
    ...(mediaPorts ? { allowedPeerPorts: mediaPorts } : {}),
    logger,
    metrics: registry,
    ...(events ? { events } : {}),
  });
  const a = server.addresses();
  const udpPort = a.udp[0]?.port ?? a.tcp[0]?.port;
  const tcpPort = a.tcp[0]?.port;
  const tlsPort = a.tls[0]?.port;
  let publicPort: number | undefined;
  return {
    server,
    advertisePublicPort(port) {
      publicPort = port;
    },
    credentials(requestHost) {
      const host = t.publicHost ?? hostOnly(requestHost ?? '127.0.0.1');
      const minted = mintRestCredentials({ secret, user: 'traverse', ttlSeconds: t.credentialTtlSeconds });
      const urls = [
        ...(a.udp.length > 0 ? [`turn:${host}:${udpPort}?transport=udp`] : []),
        // Before the dedicated ports: the one TCP port a strict firewall leaves is likely this one (443).
        ...(publicPort ? [`turns:${host}:${publicPort}?transport=tcp`, `turn:${host}:${publicPort}?transport=tcp`] : []),
        ...(tcpPort ? [`turn:${host}:${tcpPort}?transport=tcp`] : []),
        ...(tlsPort ? [`turns:${host}:${tlsPort}?transport=tcp`] : []),
      ];
      return { urls, username: minted.username, credential: minted.credential, ttl: t.credentialTtlSeconds };
    },
    close: () => server.close(),
  };
}
