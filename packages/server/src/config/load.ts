// Loads the configuration: defaults ← JSON file (--config / TRAVERSE_CONFIG) ← environment
// (TRAVERSE_*) ← command-line flags. Every error names the field it is about.
import { readFileSync } from 'node:fs';
import { configSchema, type ServerConfig } from './schema.ts';

type Kind = 'number' | 'string' | 'list' | 'boolean';

/** Flag name → config path and kind. Env names are TRAVERSE_ + the flag in SCREAMING_SNAKE case. */
export const FLAGS: Record<string, { path: string; kind: Kind; help: string }> = {
  'http-port': { path: 'httpPort', kind: 'number', help: 'HTTP port (pages, SDK, REST, metrics). Default 8888' },
  'https-port': { path: 'httpsPort', kind: 'number', help: 'HTTPS port, with --cert/--key. Default 8444' },
  'ws-port': { path: 'wsPort', kind: 'number', help: 'WebSocket signaling port. Default 8080' },
  'wss-port': { path: 'wssPort', kind: 'number', help: 'Secure WebSocket port, with --cert/--key. Default 8443' },
  'listen-ip': { path: 'listenIp', kind: 'string', help: 'Address for HTTP and WebSocket listeners. Default 0.0.0.0' },
  cert: { path: 'cert', kind: 'string', help: 'PEM certificate for HTTPS/WSS (and TURN/TLS)' },
  key: { path: 'key', kind: 'string', help: 'PEM private key for HTTPS/WSS (and TURN/TLS)' },
  'media-ip': { path: 'mediaIps', kind: 'list', help: 'Address for WebRTC media (repeatable). Default: first non-internal IPv4' },
  'announced-ip': { path: 'announcedIp', kind: 'string', help: 'Public address offered to browsers (server behind NAT)' },
  'media-udp-port': { path: 'mediaUdpPort', kind: 'number', help: 'The one UDP port all WebRTC media shares. Default 40000' },
  'media-tcp-port': { path: 'mediaTcpPort', kind: 'number', help: 'ICE-TCP port (media over TCP without TURN). Default: the media UDP port number' },
  'ice-tcp': { path: 'iceTcp', kind: 'boolean', help: 'ICE-TCP passive candidates (--no-ice-tcp to disable). Default on' },
  'media-port-min': { path: 'mediaPortMin', kind: 'number', help: 'With --media-port-max: a UDP port per session from this range instead of the shared port (no ICE-TCP)' },
  'media-port-max': { path: 'mediaPortMax', kind: 'number', help: 'Highest port of that range' },
  'public-port': { path: 'publicPort', kind: 'number', help: 'One TCP port for HTTPS, WSS, TURN/TLS, TURN/TCP and ICE-TCP (443 in production; needs --cert/--key)' },
  'ice-timeout': { path: 'iceTimeoutSeconds', kind: 'number', help: 'Seconds to wait for ICE. Default 20' },
  'ping-interval': { path: 'pingIntervalSeconds', kind: 'number', help: 'Seconds between server pings. Default 5' },
  'max-streams-per-connection': { path: 'maxStreamsPerConnection', kind: 'number', help: 'Default 16' },
  'rest-allowed-ip': { path: 'restAllowedIps', kind: 'list', help: 'Address or CIDR allowed to call /rest-api/ (repeatable). Default: loopback and private networks' },
  'dashboard-token': { path: 'dashboardToken', kind: 'string', help: 'Token opening /dashboard/ and the REST API from any address (?token= or Bearer; 16+ characters)' },
  'whip-token': { path: 'whipToken', kind: 'string', help: 'Bearer token for WHIP publishing (per-stream tokens: "whipTokens" in the config file). Default: none, open' },
  'max-connections-per-ip': { path: 'maxConnectionsPerIp', kind: 'number', help: 'Signaling connections one client address may hold. Default 256' },
  'max-messages-per-second': { path: 'maxMessagesPerSecond', kind: 'number', help: 'Signaling messages per second per connection; more closes it. Default 50' },
  turn: { path: 'turn.enabled', kind: 'boolean', help: 'Embedded TURN server (--no-turn to disable). Default on' },
  'turn-port': { path: 'turn.port', kind: 'number', help: 'TURN UDP and TCP port. Default 3478' },
  'turn-tls-port': { path: 'turn.tlsPort', kind: 'number', help: 'TURN TLS port. Default 5349 (443 where allowed)' },
  'turn-tls': { path: 'turn.tls', kind: 'boolean', help: 'TURN over TLS (--no-turn-tls to disable). Default on' },
  'turn-listening-ip': { path: 'turn.listeningIps', kind: 'list', help: 'TURN listening address (repeatable). Default 0.0.0.0' },
  'turn-relay-ip': { path: 'turn.relayIps', kind: 'list', help: 'TURN relay address (repeatable)' },
  'turn-external-ip': { path: 'turn.externalIp', kind: 'string', help: 'Public relay address when behind NAT' },
  'turn-min-port': { path: 'turn.minPort', kind: 'number', help: 'Lowest TURN relay port. Default 49152' },
  'turn-max-port': { path: 'turn.maxPort', kind: 'number', help: 'Highest TURN relay port. Default 65535' },
  'turn-realm': { path: 'turn.realm', kind: 'string', help: 'TURN realm. Default traverse' },
  'turn-secret': { path: 'turn.secret', kind: 'string', help: 'TURN REST shared secret. Default: random per start' },
  'turn-credential-ttl': { path: 'turn.credentialTtlSeconds', kind: 'number', help: 'Seconds /turn-credentials stay valid. Default 43200' },
  'turn-demo-user': { path: 'turn.demoUser', kind: 'string', help: 'Static TURN user "name:password"' },
  'turn-public-host': { path: 'turn.publicHost', kind: 'string', help: 'Host name in TURN URLs. Default: the request Host' },
  'turn-cert': { path: 'turn.cert', kind: 'string', help: 'PEM certificate for TURN/TLS' },
  'turn-key': { path: 'turn.key', kind: 'string', help: 'PEM private key for TURN/TLS' },
  'examples-dir': { path: 'examplesDir', kind: 'string', help: 'Folder of example pages. Default: the repository examples/' },
  'sdk-bundle': { path: 'sdkBundle', kind: 'string', help: 'Browser SDK bundle. Default: packages/sdk/dist/flashphoner.js' },
  'log-level': { path: 'logLevel', kind: 'string', help: 'trace|debug|info|warn|error|silent. Default info' },
  'log-format': { path: 'logFormat', kind: 'string', help: 'json|pretty|auto: auto is pretty on a terminal, JSON lines otherwise. Default auto' },
};

export class ConfigError extends Error {
  readonly code = 'CONFIG';
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

function convert(flag: string, kind: Kind, raw: string, source: string): unknown {
  if (kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${source}: ${flag}: not a number: ${JSON.stringify(raw)}`);
    return n;
  }
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${source}: ${flag}: expected true or false, got ${JSON.stringify(raw)}`);
  }
  if (kind === 'list') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  return raw;
}

export interface ParsedArgs {
  settings: Record<string, unknown>;
  help: boolean;
  configFile?: string;
}

export function parseFlags(argv: readonly string[]): ParsedArgs {
  const settings: Record<string, unknown> = {};
  const lists = new Map<string, string[]>();
  let help = false;
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') { help = true; continue; }
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (name === 'config') {
      configFile = inline ?? argv[++i];
      if (!configFile) throw new ConfigError('--config needs a file');
      continue;
    }
    if (name.startsWith('no-') && FLAGS[name.slice(3)]?.kind === 'boolean') {
      name = name.slice(3);
      inline = 'false';
    }
    const flag = FLAGS[name];
    if (!flag) throw new ConfigError(`unknown option --${name} (see --help)`);
    const raw = flag.kind === 'boolean' ? inline ?? 'true' : inline ?? argv[++i];
    if (raw === undefined) throw new ConfigError(`--${name} needs a value`);
    if (flag.kind === 'list') {
      const list = [...(lists.get(flag.path) ?? []), ...(convert(`--${name}`, 'list', raw, 'command line') as string[])];
      lists.set(flag.path, list);
      setPath(settings, flag.path, list);
    } else {
      setPath(settings, flag.path, convert(`--${name}`, flag.kind, raw, 'command line'));
    }
  }
  return { settings, help, ...(configFile ? { configFile } : {}) };
}

export function envSettings(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(FLAGS)) {
    const name = `TRAVERSE_${flag.toUpperCase().replace(/-/g, '_')}`;
    const raw = env[name];
    if (raw !== undefined) setPath(out, spec.path, convert(name, spec.kind, raw, 'environment'));
  }
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
      ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}

/** Validates merged settings; the error lists every bad field by its path. */
export function validateConfig(settings: unknown): ServerConfig {
  const r = configSchema.safeParse(settings);
  if (r.success) {
    const c = r.data;
    if ((c.mediaPortMin === undefined) !== (c.mediaPortMax === undefined)) throw new ConfigError('invalid configuration:\n  mediaPortMin: mediaPortMin and mediaPortMax go together');
    if (c.mediaPortMin !== undefined && c.mediaPortMax !== undefined) {
      if (c.mediaPortMin > c.mediaPortMax) throw new ConfigError('invalid configuration:\n  mediaPortMin: above mediaPortMax');
      // Every session binds its own port: a one-port range would serve one session (0 and 0: OS-chosen).
      if (c.mediaPortMin > 0 && c.mediaPortMin === c.mediaPortMax) throw new ConfigError('invalid configuration:\n  mediaPortMax: a media port range needs more than one port (for one port shared by all sessions, use mediaUdpPort)');
    }
    if (c.publicPort !== undefined && c.cert === undefined) throw new ConfigError('invalid configuration:\n  publicPort: needs cert and key (browsers reach pages and signaling there over TLS)');
    if (c.publicPort) {
      const taken: [string, number | undefined][] = [['httpPort', c.httpPort], ['wsPort', c.wsPort],
        ...(c.turn.enabled ? [['turn.port', c.turn.port], ['turn.tlsPort', c.turn.tls ? c.turn.tlsPort : undefined]] as [string, number | undefined][] : []),
        ...(c.iceTcp && c.mediaPortMin === undefined ? [['mediaTcpPort', c.mediaTcpPort ?? c.mediaUdpPort]] as [string, number | undefined][] : [])];
      const clash = taken.find(([, port]) => port === c.publicPort);
      if (clash) throw new ConfigError(`invalid configuration:\n  publicPort: ${c.publicPort} is also ${clash[0]}; the public port carries that traffic itself, so give ${clash[0]} another port`);
    }
    if ((c.cert === undefined) !== (c.key === undefined)) throw new ConfigError('invalid configuration:\n  cert: cert and key go together');
    return c;
  }
  throw new ConfigError(`invalid configuration:\n  ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n  ')}`);
}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { config: ServerConfig; help: boolean } {
  const args = parseFlags(argv);
  const file = args.configFile ?? env.TRAVERSE_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config file ${file}: not valid JSON: ${(err as Error).message}`);
    }
  }
  const merged = deepMerge(deepMerge(fromFile, envSettings(env)), args.settings);
  return { config: validateConfig(merged), help: args.help };
}

export function helpText(): string {
  const lines = ['Usage: traverse [options]', '', 'Traverse media server: WebRTC streaming with WCS-compatible signaling and an embedded TURN server.', '',
    '  --config <file>                        JSON config file (same names as the options, camelCase; TURN options under "turn")'];
  for (const [flag, f] of Object.entries(FLAGS)) lines.push(`  --${flag}${f.kind === 'boolean' ? '' : ' <value>'}`.padEnd(41) + f.help);
  lines.push('', 'Every option can also be set in the environment: TRAVERSE_<OPTION> (e.g. TRAVERSE_HTTP_PORT=8888).');
  return lines.join('\n');
}
