// IPv6 on real sockets: TURN listeners on ::1 (UDP, TCP, TLS), relay addresses of the family the client
// asks for with REQUESTED-ADDRESS-FAMILY (RFC 8656 §7.2; IPv4 when it does not ask), and the peer
// policy for IPv6 peers: ::1 refused by default, allowed when configured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTurnServer, type TurnServerOptions } from '../../src/index.ts';
import { Attr } from '../../src/stun/index.ts';
import { requestedAddressFamily } from '../../src/wire/index.ts';
import { echoPeer } from '../support/echo-peer.ts';
import { TurnSocketClient, type Transport } from '../support/socket-client.ts';
import { requests } from '../support/turn-messages.ts';

const USER = { username: 'u', password: 'p' };
const IPV6_RELAY = [{ type: Attr.RequestedAddressFamily, value: requestedAddressFamily.encode(6) }];

/** Listens on ::1 only; relays from 127.0.0.1 or ::1 (61300–61349 belong to this file). */
async function ipv6Server(extra: Partial<TurnServerOptions> = {}) {
  return createTurnServer({
    listeningIps: ['::1'], listeningPort: 0, tlsListeningPort: 0, relayIps: ['127.0.0.1', '::1'], minPort: 61300, maxPort: 61349,
    realm: 'test', users: [USER], ...extra,
  });
}

for (const transport of ['udp', 'tcp', 'tls'] as Transport[]) {
  test(`over ${transport} to ::1, REQUESTED-ADDRESS-FAMILY IPv6 gets an IPv6 relay address that relays to an IPv6 peer`, async (t) => {
    const server = await ipv6Server({ allowLoopbackPeers: true });
    const peer = await echoPeer('::1');
    t.after(async () => {
      peer.close();
      await server.close();
    });
    const listener = server.addresses()[transport][0]!;
    assert.equal(listener.address, '::1');
    const verify = transport === 'tls' ? { ca: server.tlsCertificate!.cert } : undefined;
    const client = await TurnSocketClient.connect(transport, '::1', listener.port, verify);
    t.after(() => client.close());
    const alloc = await client.allocate(USER, IPV6_RELAY);
    assert.equal(alloc.code, undefined);
    assert.equal(alloc.relayed?.family, 6);
    assert.equal(alloc.relayed?.address, '::1');
    assert.equal(alloc.mapped?.address, '::1', 'the client is seen at its IPv6 address');
    assert.equal((await client.channelBind(0x4000, '::1', peer.port)).code, undefined);
    client.sendChannelData(0x4000, Buffer.from('over IPv6'));
    assert.equal((await client.nextChannelData()).data.toString(), 'over IPv6');
    assert.equal(peer.received, 1, 'the IPv6 peer got the datagram from the IPv6 relay');
  });
}

test('a client on ::1 that does not ask for a family gets an IPv4 relay, whose peers must be IPv4 (443)', async (t) => {
  const server = await ipv6Server({ allowLoopbackPeers: true });
  t.after(() => server.close());
  const client = await TurnSocketClient.connect('udp', '::1', server.addresses().udp[0]!.port);
  t.after(() => client.close());
  const alloc = await client.allocate(USER);
  assert.equal(alloc.relayed?.family, 4);
  assert.equal(alloc.relayed?.address, '127.0.0.1');
  assert.equal((await client.request(requests.createPermission(client.creds!, ['::1']))).code, 443);
  assert.equal((await client.request(requests.refresh(client.creds!, 600))).lifetime, 600);
});

test('IPv6 peers: ::1 is refused with 403 by default and allowed when listed in allowedPeerIps', async (t) => {
  const peer = await echoPeer('::1');
  t.after(() => peer.close());
  const strict = await ipv6Server();
  t.after(() => strict.close());
  const refused = await TurnSocketClient.connect('udp', '::1', strict.addresses().udp[0]!.port);
  t.after(() => refused.close());
  assert.equal((await refused.allocate(USER, IPV6_RELAY)).relayed?.family, 6);
  assert.equal((await refused.request(requests.createPermission(refused.creds!, ['::1']))).code, 403);
  assert.equal((await refused.channelBind(0x4000, '::1', peer.port)).code, 403);
  assert.equal((await refused.request(requests.createPermission(refused.creds!, ['fe80::1']))).code, 403, 'link-local is refused too');

  const open = await ipv6Server({ allowedPeerIps: ['::1'] });
  t.after(() => open.close());
  const allowed = await TurnSocketClient.connect('udp', '::1', open.addresses().udp[0]!.port);
  t.after(() => allowed.close());
  assert.equal((await allowed.allocate(USER, IPV6_RELAY)).relayed?.family, 6);
  assert.equal((await allowed.channelBind(0x4000, '::1', peer.port)).code, undefined);
  allowed.sendChannelData(0x4000, Buffer.from('allowed'));
  assert.equal((await allowed.nextChannelData()).data.toString(), 'allowed');
});
