import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, helpText, mergeRaw, parseArgv, parseConfigFile, toSettings } from '../src/cli-args.ts';
import { parseTurnOptions } from '../src/config.ts';

test('coturn-style flags become createTurnServer settings', () => {
  const s = toSettings(parseArgv(['-n', '--listening-ip', '127.0.0.1', '-p', '3479', '--tls-listening-port=5350', '--relay-ip', '127.0.0.1',
    '--min-port', '40000', '--max-port', '40100', '--realm', 'test', '--user', 'u:p', '-u', 'v:p:w', '--lt-cred-mech', '--allow-loopback-peers',
    '--no-dtls', '--no-cli', '-v', '--user-quota', '3', '--total-quota', '9', '--max-port-reservations', '7', '--max-allocate-lifetime', '120', '--prometheus', '9641']));
  assert.deepEqual(s.turn.listeningIps, ['127.0.0.1']);
  assert.equal(s.turn.listeningPort, 3479);
  assert.equal(s.turn.tlsListeningPort, 5350);
  assert.deepEqual(s.turn.users, [{ username: 'u', password: 'p' }, { username: 'v', password: 'p:w' }]);
  assert.equal(s.turn.allowLoopbackPeers, true);
  assert.equal(s.turn.maxAllocateLifetime, 120);
  assert.equal(s.turn.maxPortReservations, 7);
  assert.equal(s.turn.defaultAllocateLifetime, 120);
  assert.equal(s.prometheusPort, 9641);
  assert.equal(s.logLevel, 'debug');
  assert.doesNotThrow(() => parseTurnOptions(s.turn));
});

test('REST secret flags, transport switches and the demo user', () => {
  const s = toSettings(parseArgv(['--use-auth-secret', '--static-auth-secret', 'a', '--static-auth-secret', 'b', '--no-udp', '--no-tls']));
  assert.deepEqual(s.turn.authSecret, ['a', 'b']);
  assert.equal(s.turn.udp, false);
  assert.equal(s.turn.tls, false);
  assert.equal(s.turn.tcp, true);
  assert.throws(() => toSettings(parseArgv(['--use-auth-secret'])), CliError);
  assert.deepEqual(toSettings(parseArgv(['--demo'])).turn.users, [{ username: 'demo', password: 'demo' }]);
});

test('a config file in coturn format is read, and the command line wins', () => {
  const file = parseConfigFile('# comment\nrealm=example.org\nuser=a:b\nlistening-port=3479\nfingerprint\nlt-cred-mech\n');
  const s = toSettings(mergeRaw(file, parseArgv(['--listening-port', '4000', '--user', 'c:d'])));
  assert.equal(s.turn.realm, 'example.org');
  assert.equal(s.turn.listeningPort, 4000);
  assert.deepEqual(s.turn.users?.map((u) => u.username), ['a', 'c']);
  assert.throws(() => parseConfigFile('bogus=1'), /line 1: unknown option/);
});

test('bad arguments are reported clearly', () => {
  assert.throws(() => parseArgv(['--nope']), /unknown option --nope/);
  assert.throws(() => parseArgv(['--realm']), /needs a value/);
  assert.throws(() => toSettings(parseArgv(['--listening-port', 'x'])), /not a whole number/);
  assert.throws(() => toSettings(parseArgv(['--user', 'nopassword'])), /name:password/);
  assert.throws(() => parseTurnOptions({ users: [], listeningIps: ['999.1.1.1'] }), /listeningIps.0: not an IP address[\s\S]*users: no credentials/);
  assert.throws(() => parseTurnOptions({ users: [{ username: 'a', password: 'b' }], minPort: 5, maxPort: 4 }), /minPort/);
});

test('--help lists every flag issue 2 names', () => {
  const help = helpText();
  for (const flag of ['--listening-ip', '--listening-port', '--tls-listening-port', '--relay-ip', '--external-ip', '--min-port', '--max-port',
    '--realm', '--user', '--lt-cred-mech', '--use-auth-secret', '--static-auth-secret', '--cert', '--pkey', '--allowed-peer-ip',
    '--denied-peer-ip', '--allow-loopback-peers', '--user-quota', '--total-quota', '--max-allocate-lifetime', '--no-tls', '--no-udp',
    '--no-tcp', '--prometheus', '--config']) {
    assert.ok(help.includes(flag), flag);
  }
});
