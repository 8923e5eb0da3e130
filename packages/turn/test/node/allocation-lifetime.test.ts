// Allocation lifetimes on real sockets: an expired UDP allocation and a closed TCP connection each
// give their relay port back to the pool and to the operating system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTurnServer, type AllocationEndReason, type TurnServer } from '../../src/index.ts';
import { eventually } from '../support/bounded.ts';
import { TurnSocketClient, type Transport } from '../support/socket-client.ts';
import { udpPortIsFree } from '../support/udp-port.ts';
import { requests } from '../support/turn-messages.ts';

const USER = { username: 'u', password: 'p' };

/** A server whose pool has one relay port (61200–61209 belong to this file, outside the ephemeral range). */
async function oneRelayPort(port: number, lifetimeSeconds = 600): Promise<{ server: TurnServer; ended: AllocationEndReason[] }> {
  const ended: AllocationEndReason[] = [];
  const server = await createTurnServer({
    listeningIps: ['127.0.0.1'], listeningPort: 0, tls: false, relayIps: ['127.0.0.1'], minPort: port, maxPort: port,
    realm: 'test', users: [USER], defaultAllocateLifetime: lifetimeSeconds, maxAllocateLifetime: lifetimeSeconds,
    events: { allocationDeleted: (_info, reason) => ended.push(reason) },
  });
  return { server, ended };
}

async function connect(server: TurnServer, transport: Transport, t: { after(fn: () => void): void }): Promise<TurnSocketClient> {
  const c = await TurnSocketClient.connect(transport, '127.0.0.1', server.addresses()[transport][0]!.port);
  t.after(() => c.close());
  return c;
}

test('a UDP allocation that is not refreshed expires after its lifetime, and its relay port is free again', async (t) => {
  const PORT = 61200;
  const { server, ended } = await oneRelayPort(PORT, 1);
  t.after(() => server.close());
  const a = await connect(server, 'udp', t);
  const granted = await a.allocate(USER);
  assert.equal(granted.relayed?.port, PORT);
  assert.equal(granted.lifetime, 1);
  assert.equal(await udpPortIsFree(PORT), false, 'the relay socket holds the port');
  assert.equal((await (await connect(server, 'udp', t)).allocate(USER)).code, 508, 'the only port is taken');

  // The server sweeps about once a second: the allocation ends within a few seconds of its lifetime.
  await eventually(() => ended.includes('expired'), 10_000, 'the allocation expires');
  assert.deepEqual(ended, ['expired']);
  assert.equal(server.stats().allocations, 0);
  assert.equal(server.stats().relayPortsInUse, 0);
  assert.equal(await udpPortIsFree(PORT), true, 'the relay socket is closed');
  assert.equal((await a.request(requests.refresh(a.creds!, 600))).code, 437, 'the expired allocation is gone');
  assert.equal((await (await connect(server, 'udp', t)).allocate(USER)).relayed?.port, PORT, 'the port is allocated again');
});

test('a TCP client closing its connection ends its allocation at once, and its relay port is free again', async (t) => {
  const PORT = 61201;
  const { server, ended } = await oneRelayPort(PORT);
  t.after(() => server.close());
  const a = await connect(server, 'tcp', t);
  assert.equal((await a.allocate(USER)).relayed?.port, PORT);
  assert.equal(server.stats().allocations, 1);
  a.close();
  await eventually(() => ended.includes('connection closed'), 5000, 'the allocation ends with its connection');
  assert.equal(server.stats().allocations, 0);
  assert.equal(server.stats().relayPortsInUse, 0);
  assert.equal(await udpPortIsFree(PORT), true, 'the relay socket is closed');
  assert.equal((await (await connect(server, 'tcp', t)).allocate(USER)).relayed?.port, PORT, 'the port is allocated again');
});
