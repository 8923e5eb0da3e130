// The connect reply (getUserData) hands each connection fresh TURN credentials for the host it used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { connectReplyIceSchema } from '@traverse/protocol';
import { testApp } from '../support/app.ts';

/** Connects with `host` as the Host header, sends `connection` (with `extra`), resolves with getUserData's object. */
async function connectReply(wsUrl: string, host: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const ws = new WebSocket(wsUrl, { headers: { host } });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no getUserData within 5 s')), 5000);
      ws.once('error', reject);
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as { message: string; data: Record<string, unknown>[] };
        if (f.message !== 'getUserData') return;
        clearTimeout(timer);
        resolve(f.data[0]!);
      });
      ws.once('open', () => ws.send(JSON.stringify({ message: 'connection', data: [{ appKey: 'defaultApp', clientVersion: '2.0', ...extra }] })));
    });
  } finally {
    ws.close();
  }
}

test('getUserData carries ICE servers with TURN credentials minted at connect time for the Host the client used', async (t) => {
  const app = await testApp();
  t.after(() => app.stop());
  const before = Math.floor(Date.now() / 1000);
  const reply = await connectReply(app.wsUrl, 'media.example:8080');
  const ice = connectReplyIceSchema.parse(reply);
  assert.equal(ice.iceServers.length, 1);
  const [server] = ice.iceServers;
  // What /turn-credentials answers for that host: UDP, TCP (and TLS when configured), on that name.
  assert.deepEqual(server!.urls, app.turn!.credentials('media.example:8080').urls);
  assert.ok(server!.urls.some((u) => u.endsWith('?transport=udp')) && server!.urls.some((u) => /^turn:.*transport=tcp$/.test(u)), server!.urls.join());
  for (const u of server!.urls) assert.match(u, /^turns?:media\.example:\d+\?transport=(udp|tcp)$/);
  // REST credentials: the user name is the expiry time, a full lifetime from now.
  const expiry = Number(server!.username.split(':')[0]);
  assert.ok(expiry >= before + ice.iceServersTtl && expiry <= Math.ceil(Date.now() / 1000) + ice.iceServersTtl, `${expiry} vs now+${ice.iceServersTtl}`);
  assert.deepEqual((await connectReply(app.wsUrl, '[2001:db8::7]:8080')).iceServers, [
    { ...server, urls: server!.urls.map((u) => u.replace('media.example', '[2001:db8::7]')) },
  ]);
});

test('a client cannot have its own iceServers echoed back; without the embedded TURN the reply has none', async (t) => {
  const app = await testApp();
  t.after(() => app.stop());
  const forged = [{ urls: ['turn:evil.example:3478'], username: 'u', credential: 'c' }];
  const reply = await connectReply(app.wsUrl, 'media.example', { iceServers: forged, iceServersTtl: 5 });
  assert.doesNotMatch(JSON.stringify(reply.iceServers), /evil/);

  const noTurn = await testApp({ turn: { enabled: false } });
  t.after(() => noTurn.stop());
  const plain = await connectReply(noTurn.wsUrl, 'media.example', { iceServers: forged, iceServersTtl: 5 });
  assert.equal(plain.iceServers, undefined);
  assert.equal(plain.iceServersTtl, undefined);
  assert.equal(plain.appKey, 'defaultApp');
});
