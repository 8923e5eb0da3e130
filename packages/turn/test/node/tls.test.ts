// TURN over TLS with a configured certificate that the client verifies: signed by a test CA the
// client trusts, for the name the client asks for. A client that trusts another CA, or asks for
// another name, is refused by its own verification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTurnServer } from '../../src/index.ts';
import { echoPeer } from '../support/echo-peer.ts';
import { TurnSocketClient } from '../support/socket-client.ts';
import { makeTestPki } from '../support/test-ca.ts';

const USER = { username: 'u', password: 'p' };
const pki = makeTestPki('turn.test', ['DNS:turn.test', 'IP:127.0.0.1']);

async function tlsServer() {
  return createTurnServer({
    listeningIps: ['127.0.0.1'], tlsListeningPort: 0, udp: false, tcp: false, relayIps: ['127.0.0.1'], minPort: 61210, maxPort: 61219,
    realm: 'test', users: [USER], allowLoopbackPeers: true, cert: pki.cert, pkey: pki.key,
  });
}

test('a TURN/TLS client that verifies the configured certificate (CA and server name) allocates and relays', async (t) => {
  const server = await tlsServer();
  const peer = await echoPeer();
  t.after(async () => {
    peer.close();
    await server.close();
  });
  const client = await TurnSocketClient.connect('tls', '127.0.0.1', server.addresses().tls[0]!.port, { ca: pki.ca, servername: 'turn.test', rejectUnauthorized: true });
  t.after(() => client.close());
  assert.equal((await client.allocate(USER)).code, undefined);
  assert.equal((await client.channelBind(0x4000, '127.0.0.1', peer.port)).code, undefined);
  client.sendChannelData(0x4000, Buffer.from('over verified TLS'));
  assert.equal((await client.nextChannelData()).data.toString(), 'over verified TLS');
  assert.deepEqual(server.tlsCertificate, { cert: pki.cert, selfSigned: false });
});

test('a TURN/TLS client refuses the server when it trusts another CA or asks for another name', async (t) => {
  const server = await tlsServer();
  t.after(() => server.close());
  const port = server.addresses().tls[0]!.port;
  const stranger = makeTestPki('turn.test', ['DNS:turn.test']);
  await assert.rejects(TurnSocketClient.connect('tls', '127.0.0.1', port, { ca: stranger.ca, servername: 'turn.test', rejectUnauthorized: true }),
    (err: NodeJS.ErrnoException) => err.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  await assert.rejects(TurnSocketClient.connect('tls', '127.0.0.1', port, { ca: pki.ca, servername: 'other.test', rejectUnauthorized: true }),
    (err: NodeJS.ErrnoException) => err.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
});
