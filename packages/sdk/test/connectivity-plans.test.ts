import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPaths, turnTransport } from '../src/connectivity/plans.ts';

test('turnTransport() reads the transport and port of turn: and turns: URLs, with the default ports', () => {
  assert.deepEqual(turnTransport('turn:media.example:3478?transport=udp'), { transport: 'udp', port: 3478 });
  assert.deepEqual(turnTransport('turn:[2001:db8::7]:443?transport=tcp'), { transport: 'tcp', port: 443 });
  assert.deepEqual(turnTransport('turns:media.example:443?transport=tcp'), { transport: 'tls', port: 443 });
  assert.deepEqual(turnTransport('turn:media.example'), { transport: 'udp', port: 3478 });
  assert.deepEqual(turnTransport('turns:media.example'), { transport: 'tls', port: 5349 });
  assert.equal(turnTransport('stun:media.example:3478'), undefined);
});

const handed = [{ urls: ['turn:h:3478?transport=udp', 'turn:h:3478?transport=tcp', 'turns:h:443?transport=tcp'], username: 'u', credential: 'c' }];

test('planPaths(): the direct paths with no ICE servers and one kept transport; each relay with its own URL only, relay forced', () => {
  const plans = planPaths(handed);
  assert.deepEqual(plans.map((p) => p.path), ['udp', 'tcp', 'turn-udp', 'turn-tcp', 'turn-tls']);
  assert.deepEqual(plans[0], { path: 'udp', mediaOptions: { iceServers: [] }, keep: 'udp' });
  assert.deepEqual(plans[1], { path: 'tcp', mediaOptions: { iceServers: [] }, keep: 'tcp' });
  assert.deepEqual(plans[4], { path: 'turn-tls', mediaOptions: { iceServers: [{ urls: 'turns:h:443?transport=tcp', username: 'u', credential: 'c' }], iceTransportPolicy: 'relay' }, serverPort: 443 });
  assert.deepEqual(plans[3], { path: 'turn-tcp', mediaOptions: { iceServers: [{ urls: 'turn:h:3478?transport=tcp', username: 'u', credential: 'c' }], iceTransportPolicy: 'relay' }, serverPort: 3478 });
});

test('planPaths(): a transport the servers do not offer is marked absent; no servers at all leaves the direct paths', () => {
  const plans = planPaths([{ urls: 'turn:h:3478?transport=udp', username: 'u', credential: 'c' }]);
  assert.deepEqual(plans.slice(3), [
    { path: 'turn-tcp', absent: 'the server offers no TURN over TCP' },
    { path: 'turn-tls', absent: 'the server offers no TURN over TLS' },
  ]);
  assert.deepEqual(planPaths([]).filter((p) => !('absent' in p)).map((p) => p.path), ['udp', 'tcp']);
});
