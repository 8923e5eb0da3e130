import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, validateConfig } from '../src/config/index.ts';
import { helpText } from '../src/config/load.ts';

test('defaults are the documented ports, with the embedded TURN on', () => {
  const c = validateConfig({});
  assert.equal(c.httpPort, 8888);
  assert.equal(c.wsPort, 8080);
  assert.equal(c.wssPort, 8443);
  assert.equal(c.turn.enabled, true);
  assert.equal(c.turn.port, 3478);
  assert.equal(c.turn.tlsPort, 5349);
});

test('file < environment < flags, for top-level and TURN settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'traverse-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ httpPort: 1000, wsPort: 1001, turn: { realm: 'from-file', port: 4000 } }));
  const { config } = loadConfig(['--config', file, '--ws-port', '2001', '--turn-port=5000', '--media-ip', '10.0.0.1', '--media-ip', '10.0.0.2', '--no-turn-tls'],
    { TRAVERSE_HTTP_PORT: '3000', TRAVERSE_WS_PORT: '3001', TRAVERSE_TURN_REALM: 'from-env' });
  assert.equal(config.httpPort, 3000);
  assert.equal(config.wsPort, 2001);
  assert.equal(config.turn.realm, 'from-env');
  assert.equal(config.turn.port, 5000);
  assert.equal(config.turn.tls, false);
  assert.deepEqual(config.mediaIps, ['10.0.0.1', '10.0.0.2']);
  assert.equal(loadConfig(['--no-turn'], {}).config.turn.enabled, false);
});

test('errors name the field', () => {
  assert.throws(() => loadConfig(['--http-port', 'abc'], {}), /--http-port: not a number/);
  assert.throws(() => loadConfig(['--bogus'], {}), /unknown option --bogus/);
  assert.throws(() => loadConfig([], { TRAVERSE_TURN: 'maybe' }), /TRAVERSE_TURN: expected true or false/);
  assert.throws(() => validateConfig({ httpPort: 70000 }), (e: ConfigError) => /httpPort/.test(e.message));
  assert.throws(() => validateConfig({ turn: { secret: 'short' } }), /turn\.secret: at least 16 characters/);
  assert.throws(() => validateConfig({ turn: { demoUser: 'nopassword' } }), /turn\.demoUser/);
  assert.throws(() => validateConfig({ mediaPortMin: 5, mediaPortMax: 4 }), /mediaPortMin/);
  assert.throws(() => validateConfig({ surprise: 1 }), /surprise|Unrecognized/);
  assert.throws(() => loadConfig(['--config', '/nonexistent/x.json'], {}), /config file/);
});

test('--help lists the options the issue names', () => {
  const help = helpText();
  for (const f of ['--http-port', '--ws-port', '--turn-port', '--media-ip', '--announced-ip', '--config']) assert.ok(help.includes(f), f);
});

test('restAllowedIps defaults to loopback and private networks; a bad entry names the field', () => {
  assert.deepEqual(validateConfig({}).restAllowedIps, ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']);
  assert.deepEqual(loadConfig(['--rest-allowed-ip', '203.0.113.0/24', '--rest-allowed-ip', '::1'], {}).config.restAllowedIps, ['203.0.113.0/24', '::1']);
  assert.throws(() => validateConfig({ restAllowedIps: ['10.0.0.0/40'] }), (e: ConfigError) => /restAllowedIps/.test(e.message));
});

test('a media port range of one port is refused (every session needs its own port)', () => {
  assert.throws(() => validateConfig({ mediaPortMin: 41000, mediaPortMax: 41000 }), (e: ConfigError) => /mediaPortMax: a media port range needs more than one port/.test(e.message));
  assert.equal(validateConfig({ mediaPortMin: 0, mediaPortMax: 0 }).mediaPortMin, 0, 'OS-chosen ports stay possible (tests)');
});

test('media ports: one shared UDP port 40000 with ICE-TCP on the same number by default; a range only when both ends are given', () => {
  const defaults = validateConfig({});
  assert.equal(defaults.mediaUdpPort, 40000);
  assert.equal(defaults.iceTcp, true);
  assert.equal(defaults.mediaTcpPort, undefined, 'undefined: the UDP port number');
  assert.equal(defaults.mediaPortMin, undefined, 'no per-session range');
  const flags = loadConfig(['--media-udp-port', '41000', '--media-tcp-port', '41001', '--no-ice-tcp'], {}).config;
  assert.deepEqual([flags.mediaUdpPort, flags.mediaTcpPort, flags.iceTcp], [41000, 41001, false]);
  assert.throws(() => validateConfig({ mediaPortMin: 41000 }), (e: ConfigError) => /mediaPortMin and mediaPortMax go together/.test(e.message));
  assert.throws(() => validateConfig({ publicPort: 443 }), (e: ConfigError) => /publicPort: needs cert and key/.test(e.message));
  assert.equal(validateConfig({ publicPort: 443, cert: 'c', key: 'k' }).publicPort, 443);
});

test('publicPort may share the HTTPS or WSS port number (it takes that listener\'s place), not another listener\'s', () => {
  assert.equal(validateConfig({ publicPort: 8443, cert: 'c', key: 'k' }).wssPort, 8443, 'wssPort\'s default: allowed');
  assert.throws(() => validateConfig({ publicPort: 3478, cert: 'c', key: 'k' }), (e: ConfigError) => /publicPort: 3478 is also turn\.port/.test(e.message));
  assert.throws(() => validateConfig({ publicPort: 40000, cert: 'c', key: 'k' }), (e: ConfigError) => /publicPort: 40000 is also mediaTcpPort/.test(e.message));
  assert.throws(() => validateConfig({ publicPort: 8888, cert: 'c', key: 'k' }), (e: ConfigError) => /is also httpPort/.test(e.message));
  assert.equal(validateConfig({ publicPort: 3478, cert: 'c', key: 'k', turn: { enabled: false } }).publicPort, 3478);
});
