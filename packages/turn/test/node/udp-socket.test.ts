// Relay-path UDP sockets resolve IP literals at once and never ask DNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createUdpSocket } from '../../src/node/udp-socket.ts';
import { within } from '../support/bounded.ts';

test('createUdpSocket() sends to IPv4 and IPv6 literals', async () => {
  for (const [family, ip] of [[4, '127.0.0.1'], [6, '::1']] as const) {
    const rx = createUdpSocket(family);
    const tx = createUdpSocket(family);
    try {
      rx.bind(0, ip);
      await once(rx, 'listening');
      tx.bind(0, ip);
      await once(tx, 'listening');
      const got = once(rx, 'message');
      tx.send(Buffer.from('hello'), rx.address().port, ip);
      const [msg] = await within(got, 5000, `datagram over IPv${family}`);
      assert.equal(String(msg), 'hello');
    } finally {
      rx.close();
      tx.close();
    }
  }
});

test('createUdpSocket() refuses a host name instead of resolving it (an error event, no DNS query)', async () => {
  const s = createUdpSocket(4);
  try {
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
    const failed = once(s, 'error');
    s.send(Buffer.from('x'), 9, 'localhost');
    const [err] = await within(failed, 5000, 'error event');
    assert.equal((err as NodeJS.ErrnoException).code, 'EINVAL');
  } finally {
    s.close();
  }
});
