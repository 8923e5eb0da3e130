// traverse-turn's command line and config file, with coturn's names where the meaning is the same.
// Pure: argv and file text in, settings out.
import type { TurnServerSettings } from './config.ts';

export interface CliSettings {
  turn: TurnServerSettings;
  prometheusPort?: number;
  prometheusIp: string;
  logLevel: string;
  help: boolean;
  demo: boolean;
  configFile?: string;
}

type Kind = 'string' | 'list' | 'number' | 'boolean' | 'ignored-boolean' | 'ignored-string';

/** Every accepted option: kind, short alias, and what it does (the --help text). */
export const OPTIONS: Record<string, { kind: Kind; short?: string; help: string }> = {
  'listening-ip': { kind: 'list', short: 'L', help: 'Address to listen on (repeatable). Default 0.0.0.0' },
  'listening-port': { kind: 'number', short: 'p', help: 'UDP and TCP port. Default 3478' },
  'tls-listening-port': { kind: 'number', help: 'TLS port. Default 5349' },
  'relay-ip': { kind: 'list', short: 'E', help: 'Address relay sockets bind to (repeatable; one per family)' },
  'external-ip': { kind: 'string', short: 'X', help: 'Public address told to clients when behind NAT' },
  'min-port': { kind: 'number', help: 'Lowest relay port. Default 49152' },
  'max-port': { kind: 'number', help: 'Highest relay port. Default 65535' },
  realm: { kind: 'string', short: 'r', help: 'Realm. Default traverse' },
  user: { kind: 'list', short: 'u', help: 'Static user "name:password" (repeatable)' },
  'lt-cred-mech': { kind: 'boolean', short: 'a', help: 'Long-term credentials (always on; accepted for coturn compatibility)' },
  'use-auth-secret': { kind: 'boolean', help: 'TURN REST API credentials (needs --static-auth-secret)' },
  'static-auth-secret': { kind: 'list', help: 'Shared secret for REST credentials (repeatable: the first mints, all verify)' },
  cert: { kind: 'string', help: 'TLS certificate (PEM file)' },
  pkey: { kind: 'string', help: 'TLS private key (PEM file)' },
  'allowed-peer-ip': { kind: 'list', help: 'Peer address/CIDR/range always allowed (repeatable)' },
  'denied-peer-ip': { kind: 'list', help: 'Peer address/CIDR/range denied (repeatable)' },
  'allow-loopback-peers': { kind: 'boolean', help: 'Allow loopback and own-address peers (for tests only)' },
  'user-quota': { kind: 'number', help: 'Allocations per user (0 = unlimited)' },
  'total-quota': { kind: 'number', help: 'Allocations in total (0 = unlimited)' },
  'max-port-reservations': { kind: 'number', help: 'Relay ports held at once for EVEN-PORT reservations (30 s each). Default 1000' },
  'max-allocate-lifetime': { kind: 'number', help: 'Longest allocation lifetime, seconds. Default 3600' },
  'max-connections-per-ip': { kind: 'number', help: 'TCP/TLS connections one client address may hold per listener. Default 256' },
  'channel-lifetime': { kind: 'number', help: 'Channel binding lifetime, seconds. Default 600' },
  'permission-lifetime': { kind: 'number', help: 'Permission lifetime, seconds. Default 300' },
  'stale-nonce': { kind: 'number', help: 'Nonce lifetime, seconds. Default 600' },
  'no-tls': { kind: 'boolean', help: 'No TLS listener' },
  'no-udp': { kind: 'boolean', help: 'No UDP listener' },
  'no-tcp': { kind: 'boolean', help: 'No TCP listener' },
  prometheus: { kind: 'number', help: 'Serve Prometheus metrics at http://<prometheus-ip>:<port>/metrics' },
  'prometheus-ip': { kind: 'string', help: 'Address of the metrics endpoint. Default 127.0.0.1' },
  'server-name': { kind: 'string', help: 'Name in the generated self-signed certificate' },
  'log-level': { kind: 'string', help: 'trace, debug, info, warn, error, silent. Default info' },
  verbose: { kind: 'boolean', short: 'v', help: 'Same as --log-level debug' },
  config: { kind: 'string', short: 'c', help: 'Config file: coturn-style "name=value" lines, # comments' },
  demo: { kind: 'boolean', help: 'Demo mode: adds the user demo:demo when no credentials are given' },
  help: { kind: 'boolean', short: 'h', help: 'This text' },
  // coturn options that change nothing here; accepted so that coturn command lines work as they are.
  fingerprint: { kind: 'ignored-boolean', short: 'f', help: 'Accepted, no effect (FINGERPRINT is mirrored from the request)' },
  'no-cli': { kind: 'ignored-boolean', help: 'Accepted, no effect (there is no telnet CLI)' },
  'no-dtls': { kind: 'ignored-boolean', help: 'Accepted, no effect (no DTLS listener)' },
  'simple-log': { kind: 'ignored-boolean', help: 'Accepted, no effect' },
  'no-stdout-log': { kind: 'ignored-boolean', help: 'Accepted, no effect' },
  'log-file': { kind: 'ignored-string', short: 'l', help: 'Accepted, no effect (logs go to stdout)' },
  n: { kind: 'ignored-boolean', help: 'Accepted, no effect (coturn: no config file)' },
};

const SHORT = new Map(Object.entries(OPTIONS).filter(([, o]) => o.short).map(([name, o]) => [o.short!, name]));

export class CliError extends Error {}

type Raw = Map<string, (string | true)[]>;

function addValue(raw: Raw, name: string, value: string | true): void {
  const list = raw.get(name) ?? [];
  list.push(value);
  raw.set(name, list);
}

/** Parses argv into name → values. Accepts --name value, --name=value, -x value. */
export function parseArgv(argv: readonly string[]): Raw {
  const raw: Raw = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) inline = arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length >= 2) {
      name = arg === '-n' ? 'n' : arg.length === 2 ? SHORT.get(arg[1]!) : undefined;
    }
    if (!name || !OPTIONS[name]) throw new CliError(`unknown option ${arg} (see --help)`);
    const kind = OPTIONS[name]!.kind;
    if (kind === 'boolean' || kind === 'ignored-boolean') {
      addValue(raw, name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CliError(`${arg} needs a value`);
    addValue(raw, name, value);
  }
  return raw;
}

/** Parses a coturn-style config file: "name=value" or "name" per line, # comments. */
export function parseConfigFile(text: string): Raw {
  const raw: Raw = new Map();
  for (const [n, line] of text.split(/\r?\n/).entries()) {
    const t = line.replace(/#.*$/, '').trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    const name = (eq >= 0 ? t.slice(0, eq) : t).trim();
    const value = eq >= 0 ? t.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1') : true;
    if (!OPTIONS[name]) throw new CliError(`config line ${n + 1}: unknown option ${JSON.stringify(name)}`);
    addValue(raw, name, value);
  }
  return raw;
}

function last(raw: Raw, name: string): string | true | undefined {
  const v = raw.get(name);
  return v?.[v.length - 1];
}

function num(raw: Raw, name: string): number | undefined {
  const v = last(raw, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new CliError(`--${name}: not a whole number: ${String(v)}`);
  return n;
}

function str(raw: Raw, name: string): string | undefined {
  const v = last(raw, name);
  return typeof v === 'string' ? v : undefined;
}

function list(raw: Raw, name: string): string[] {
  return (raw.get(name) ?? []).filter((v): v is string => typeof v === 'string');
}

/** Merges config file values (first) with command line values (which win for single values). */
export function mergeRaw(file: Raw, cli: Raw): Raw {
  const out: Raw = new Map(file);
  for (const [name, values] of cli) {
    const kind = OPTIONS[name]!.kind;
    out.set(name, kind === 'list' ? [...(file.get(name) ?? []), ...values] : values);
  }
  return out;
}

export function toSettings(raw: Raw): CliSettings {
  const users = list(raw, 'user').map((u) => {
    const colon = u.indexOf(':');
    if (colon <= 0 || colon === u.length - 1) throw new CliError(`--user: expected name:password, got ${JSON.stringify(u)}`);
    return { username: u.slice(0, colon), password: u.slice(colon + 1) };
  });
  const secrets = list(raw, 'static-auth-secret');
  if (raw.has('use-auth-secret') && secrets.length === 0) throw new CliError('--use-auth-secret needs --static-auth-secret');
  const demo = raw.has('demo');
  if (demo && users.length === 0 && secrets.length === 0) users.push({ username: 'demo', password: 'demo' });
  const turn: TurnServerSettings = {
    users,
    ...(secrets.length > 0 ? { authSecret: secrets } : {}),
    allowedPeerIps: list(raw, 'allowed-peer-ip'),
    deniedPeerIps: list(raw, 'denied-peer-ip'),
    allowLoopbackPeers: raw.has('allow-loopback-peers'),
    udp: !raw.has('no-udp'),
    tcp: !raw.has('no-tcp'),
    tls: !raw.has('no-tls'),
  };
  const listening = list(raw, 'listening-ip');
  if (listening.length > 0) turn.listeningIps = listening;
  const relay = list(raw, 'relay-ip');
  if (relay.length > 0) turn.relayIps = relay;
  const assign = <K extends keyof TurnServerSettings>(key: K, value: TurnServerSettings[K] | undefined) => {
    if (value !== undefined) turn[key] = value;
  };
  assign('listeningPort', num(raw, 'listening-port'));
  assign('tlsListeningPort', num(raw, 'tls-listening-port'));
  assign('externalIp', str(raw, 'external-ip'));
  assign('minPort', num(raw, 'min-port'));
  assign('maxPort', num(raw, 'max-port'));
  assign('realm', str(raw, 'realm'));
  assign('cert', str(raw, 'cert'));
  assign('pkey', str(raw, 'pkey'));
  assign('userQuota', num(raw, 'user-quota'));
  assign('totalQuota', num(raw, 'total-quota'));
  assign('maxPortReservations', num(raw, 'max-port-reservations'));
  assign('maxAllocateLifetime', num(raw, 'max-allocate-lifetime'));
  assign('maxConnectionsPerIp', num(raw, 'max-connections-per-ip'));
  assign('channelLifetime', num(raw, 'channel-lifetime'));
  assign('permissionLifetime', num(raw, 'permission-lifetime'));
  assign('staleNonce', num(raw, 'stale-nonce'));
  assign('serverName', str(raw, 'server-name'));
  const maxLifetime = turn.maxAllocateLifetime;
  if (maxLifetime !== undefined && maxLifetime < 600) turn.defaultAllocateLifetime = maxLifetime;
  const prometheusPort = num(raw, 'prometheus');
  return {
    turn,
    ...(prometheusPort !== undefined ? { prometheusPort } : {}),
    prometheusIp: str(raw, 'prometheus-ip') ?? '127.0.0.1',
    logLevel: raw.has('verbose') ? 'debug' : str(raw, 'log-level') ?? 'info',
    help: raw.has('help'),
    demo,
    ...(str(raw, 'config') ? { configFile: str(raw, 'config')! } : {}),
  };
}

export function helpText(): string {
  const lines = ['Usage: traverse-turn [options]', '', 'A STUN/TURN server (RFC 8489, RFC 8656) over UDP, TCP and TLS. Options:', ''];
  for (const [name, o] of Object.entries(OPTIONS)) {
    if (name === 'n') continue;
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.kind === 'boolean' || o.kind === 'ignored-boolean' ? '' : ' <value>'}`;
    lines.push(`  ${flag.padEnd(36)} ${o.help}`);
  }
  return lines.join('\n');
}
