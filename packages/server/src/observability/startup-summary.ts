// What `npm start` prints in pretty mode once everything listens: where to point a browser, a
// signaling client, a TURN client, Prometheus and the firewall. (JSON mode keeps one `listening` line.)
import type { ServerConfig } from '../config/index.ts';

export interface ListeningServer {
  config: Pick<ServerConfig, 'listenIp' | 'announcedIp' | 'mediaPortMin' | 'mediaPortMax' | 'restAllowedIps' | 'whipToken' | 'whipTokens'> & {
    turn: Pick<ServerConfig['turn'], 'listeningIps' | 'publicHost'>;
  };
  mediaIps: readonly string[];
  ports: { http: number; ws: number; https?: number; wss?: number; public?: number; turn?: { udp?: number; tcp?: number; tls?: number } };
  /** The shared media ports; undefined with a per-session port range. */
  mediaPorts?: { udp: readonly number[]; tcp?: number };
}

/** A host for URLs: a wildcard address means "this machine", IPv6 goes in brackets. */
function urlHost(ip: string): string {
  if (ip === '0.0.0.0' || ip === '::') return 'localhost';
  return ip.includes(':') ? `[${ip}]` : ip;
}

/** The TURN URLs a client would use, as GET /turn-credentials lists them. */
export function turnUrls(host: string, ports: NonNullable<ListeningServer['ports']['turn']>): string[] {
  return [
    ...(ports.udp ? [`turn:${host}:${ports.udp}?transport=udp`] : []),
    ...(ports.tcp ? [`turn:${host}:${ports.tcp}?transport=tcp`] : []),
    ...(ports.tls ? [`turns:${host}:${ports.tls}?transport=tcp`] : []),
  ];
}

/** The summary as lines: a title, then one `label  value` line per address kind. */
export function startupSummary(server: ListeningServer): string[] {
  const { config, ports } = server;
  const host = urlHost(config.listenIp);
  const http = `http://${host}:${ports.http}`;
  const https = ports.https ? `https://${host}:${ports.https}` : undefined;
  const web = [http, ...(https ? [https] : [])];
  const rows: [string, string][] = [
    ['Example pages', web.map((u) => `${u}/`).join('  ')],
    ['Signaling', [`ws://${host}:${ports.ws}/`, ...(ports.wss ? [`wss://${host}:${ports.wss}/`] : [])].join('  ')],
  ];
  if (ports.public) {
    rows.push(['Public port', `https://${host}:${ports.public}/ and wss://${host}:${ports.public}/, TURN over TLS and TCP, ICE-TCP: all on TCP ${ports.public}`]);
  }
  if (ports.turn) {
    const turnHost = config.turn.publicHost ?? urlHost(config.turn.listeningIps[0] ?? config.listenIp);
    rows.push(['TURN', turnUrls(turnHost, ports.turn).join('  ')]);
    rows.push(['TURN credentials', `${http}/turn-credentials (time-limited, one set per request)`]);
  } else {
    rows.push(['TURN', 'off']);
  }
  rows.push(['REST API', `${http}/rest-api/stream/find_all (from ${config.restAllowedIps.join(', ')})`]);
  const whipAuth = config.whipToken !== undefined || Object.keys(config.whipTokens).length > 0 ? 'bearer token' : 'open';
  rows.push(['WHIP / WHEP', `${http}/whip/<name> (${whipAuth})  ${http}/whep/<name>`]);
  rows.push(['Metrics', `${http}/metrics  health ${http}/health`]);
  const shared = server.mediaPorts;
  const mediaPorts = shared
    ? `UDP port ${[...new Set(shared.udp)].join(', ')} for every session${shared.tcp ? `, ICE-TCP port ${shared.tcp}` : ''}`
    : config.mediaPortMin ? `UDP ports ${config.mediaPortMin}-${config.mediaPortMax}, one per session` : 'UDP ports chosen by the OS, one per session';
  rows.push(['Media', `${mediaPorts} on ${server.mediaIps.join(', ')}${config.announcedIp ? `, announced as ${config.announcedIp}` : ''}`]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return ['Traverse is listening', ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`)];
}
