// The console: which log format a start picks (observability/logger.ts) and the start-up summary
// pretty mode prints (observability/startup-summary.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, validateConfig } from '../../src/config/index.ts';
import { resolveLogFormat } from '../../src/observability/logger.ts';
import { startupSummary } from '../../src/observability/startup-summary.ts';

test('auto is pretty on a terminal and JSON lines otherwise; json and pretty override it', () => {
  assert.equal(resolveLogFormat('auto', true), 'pretty');
  assert.equal(resolveLogFormat('auto', false), 'json');
  assert.equal(resolveLogFormat('auto', undefined), 'json', 'a pipe or file has no isTTY');
  assert.equal(resolveLogFormat('json', true), 'json');
  assert.equal(resolveLogFormat('pretty', false), 'pretty');
});

test('--log-format, TRAVERSE_LOG_FORMAT and logFormat set it; default auto; anything else fails naming the field', () => {
  assert.equal(loadConfig([], {}).config.logFormat, 'auto');
  assert.equal(loadConfig(['--log-format', 'json'], {}).config.logFormat, 'json');
  assert.equal(loadConfig([], { TRAVERSE_LOG_FORMAT: 'pretty' }).config.logFormat, 'pretty');
  assert.equal(loadConfig(['--log-format=json'], { TRAVERSE_LOG_FORMAT: 'pretty' }).config.logFormat, 'json', 'the flag wins');
  assert.throws(() => loadConfig(['--log-format', 'xml'], {}), /logFormat/);
});

test('the summary names the example page, signaling, TURN over UDP/TCP/TLS, /turn-credentials, REST, metrics and the media addresses', () => {
  const config = validateConfig({ listenIp: '0.0.0.0', mediaIps: ['10.0.0.5'], announcedIp: '203.0.113.10', cert: 'c', key: 'k' });
  const lines = startupSummary({
    config, mediaIps: ['10.0.0.5'],
    ports: { http: 8888, ws: 8080, https: 8444, wss: 8443, public: 443, turn: { udp: 3478, tcp: 3478, tls: 5349 } },
    mediaPorts: { udp: [40000], tcp: 40000 },
  });
  assert.equal(lines[0], 'Traverse is listening');
  const text = lines.join('\n');
  for (const expected of [
    /Example pages +http:\/\/localhost:8888\/ {2}https:\/\/localhost:8444\/$/m,
    /Signaling +ws:\/\/localhost:8080\/ {2}wss:\/\/localhost:8443\/$/m,
    /TURN +turn:localhost:3478\?transport=udp {2}turn:localhost:3478\?transport=tcp {2}turns:localhost:5349\?transport=tcp$/m,
    /Public port +https:\/\/localhost:443\/ and wss:\/\/localhost:443\/, TURN over TLS and TCP, ICE-TCP: all on TCP 443$/m,
    /TURN credentials +http:\/\/localhost:8888\/turn-credentials/m,
    /REST API +http:\/\/localhost:8888\/rest-api\/stream\/find_all \(from 127\.0\.0\.0\/8, /m,
    /WHIP \/ WHEP +http:\/\/localhost:8888\/whip\/<name> \(open\) {2}http:\/\/localhost:8888\/whep\/<name>$/m,
    /Metrics +http:\/\/localhost:8888\/metrics/m,
    /Media +UDP port 40000 for every session, ICE-TCP port 40000 on 10\.0\.0\.5, announced as 203\.0\.113\.10$/m,
  ]) assert.match(text, expected);
  // One column for the values.
  const columns = new Set(lines.slice(1).map((l) => /^ {2}\S.*? {2,}(?=\S)/.exec(l)?.[0].length));
  assert.equal(columns.size, 1, text);
});

test('with a media port range the summary names the range, one port per session', () => {
  const config = validateConfig({ mediaPortMin: 41000, mediaPortMax: 41999 });
  const lines = startupSummary({ config, mediaIps: ['127.0.0.1'], ports: { http: 1, ws: 2 } });
  assert.match(lines.join('\n'), /Media +UDP ports 41000-41999, one per session on 127\.0\.0\.1$/m);
});

test('the summary says TURN is off when it is, and uses the TURN public host when set', () => {
  const off = startupSummary({ config: validateConfig({ turn: { enabled: false } }), mediaIps: ['127.0.0.1'], ports: { http: 1, ws: 2 } });
  assert.match(off.join('\n'), /^ {2}TURN +off$/m);
  assert.ok(!off.some((l) => l.includes('turn-credentials')));
  const named = startupSummary({ config: validateConfig({ turn: { publicHost: 'turn.example.com' } }), mediaIps: ['127.0.0.1'], ports: { http: 1, ws: 2, turn: { udp: 3478 } } });
  assert.match(named.join('\n'), /TURN +turn:turn\.example\.com:3478\?transport=udp$/m);
});
