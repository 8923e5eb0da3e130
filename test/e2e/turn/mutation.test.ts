// Seeded mutation flood: >100,000 mutated STUN and ChannelData messages over UDP and TCP against a
// traverse-turn process. During and after the flood a well-formed client still gets its relayed
// echoes, the process never dies, and its memory stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { encodeChannelData } from '../../../packages/turn/src/wire/index.ts';
import { TurnSocketClient } from '../../../packages/turn/test/support/socket-client.ts';
import { requests } from '../../../packages/turn/test/support/turn-messages.ts';
import { metricValue, rssKb, startTraverseTurn } from './support.ts';

const SEED = 0x7e57_2026;
const UDP_MESSAGES = 70_000;
const TCP_MESSAGES = 35_000;
const TIME_LIMIT_MS = 240_000;

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))) };
}

type Rng = ReturnType<typeof prng>;

function seeds(): Buffer[] {
  const creds = { username: 'u', password: 'p', realm: 'test', nonce: 'not-a-real-nonce' };
  return [
    requests.binding().bytes,
    requests.allocate().bytes,
    requests.allocate(creds).bytes,
    requests.refresh(creds, 600).bytes,
    requests.createPermission(creds, ['127.0.0.1', '10.0.0.1']).bytes,
    requests.channelBind(creds, 0x4000, '127.0.0.1', 9).bytes,
    requests.send('127.0.0.1', 9, Buffer.alloc(64, 1)),
    encodeChannelData(0x4000, Buffer.alloc(100, 2), true),
    encodeChannelData(0x4fff, Buffer.alloc(3, 3), true),
  ];
}

/** One mutation of a seed message. `stream` keeps frames plausible enough to be parsed on TCP. */
function mutate(rng: Rng, seed: Buffer, stream: boolean): Buffer {
  const b = Buffer.from(seed);
  switch (rng.int(9)) {
    case 0: // flip bytes
      for (let i = 1 + rng.int(4); i > 0; i--) b[rng.int(b.length)] = rng.int(256);
      return b;
    case 1: // truncate
      return b.subarray(0, rng.int(b.length));
    case 2: // wrong message length
      if (b.length >= 4) b.writeUInt16BE(rng.int(stream ? 2048 : 65536), 2);
      return b;
    case 3: { // wrong attribute length somewhere in the body
      if (b.length > 24) b.writeUInt16BE(rng.int(65536), 20 + 4 * rng.int((b.length - 20) / 4 - 1) + 2);
      return b;
    }
    case 4: // trailing garbage
      return Buffer.concat([b, rng.bytes(1 + rng.int(40))]);
    case 5: { // STUN header with a random body
      const body = rng.bytes(4 * rng.int(60));
      const h = Buffer.from(b.subarray(0, 20));
      if (h.length === 20) h.writeUInt16BE(body.length, 2);
      return Buffer.concat([h, body]);
    }
    case 6: { // ChannelData with random channel and length
      const d = Buffer.alloc(4 + rng.int(200));
      d.writeUInt16BE(0x4000 + rng.int(0x4000), 0);
      d.writeUInt16BE(rng.int(stream ? 400 : 65536), 2);
      return d;
    }
    case 7: // oversized datagram or frame
      if (stream) {
        const d = Buffer.alloc(8);
        d.writeUInt16BE(0x4000, 0);
        d.writeUInt16BE(0xffff, 2);
        return d;
      }
      return rng.bytes(2000 + rng.int(6000));
    default: { // an unknown comprehension-required attribute inserted with a valid layout
      const attr = Buffer.alloc(8);
      attr.writeUInt16BE(0x7000 + rng.int(0x0fff), 0);
      attr.writeUInt16BE(4, 2);
      if (b.length < 20 || b[0]! & 0xc0) return Buffer.concat([b, attr]);
      const out = Buffer.concat([b.subarray(0, 20), attr, b.subarray(20)]);
      out.writeUInt16BE(out.length - 20, 2);
      return out;
    }
  }
}

test(`traverse-turn survives ${UDP_MESSAGES + TCP_MESSAGES} mutated messages over UDP and TCP (seed ${SEED.toString(16)})`, { timeout: TIME_LIMIT_MS + 60_000 }, async (t) => {
  const turn = await startTraverseTurn(['--min-port', '49000', '--max-port', '49999', '--user', 'u:p', '--realm', 'test', '--no-tls',
    '--allow-loopback-peers', '--prometheus', '0'], TIME_LIMIT_MS + 30_000);
  const peer = dgram.createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  peer.on('message', (m, r) => peer.send(m, r.port, r.address));
  const fuzzUdp = dgram.createSocket('udp4');
  await new Promise<void>((r) => fuzzUdp.bind(0, '127.0.0.1', r));
  const good = await TurnSocketClient.connect('udp', '127.0.0.1', turn.udpPort);
  const goodTcp = await TurnSocketClient.connect('tcp', '127.0.0.1', turn.tcpPort);
  t.after(async () => {
    good.close();
    goodTcp.close();
    fuzzUdp.close();
    peer.close();
    await turn.stop();
  });

  for (const c of [good, goodTcp]) {
    assert.equal((await c.allocate({ username: 'u', password: 'p' })).code, undefined);
    assert.equal((await c.channelBind(0x4000, '127.0.0.1', peer.address().port)).code, undefined);
  }
  let probes = 0;
  /** The well-formed clients' echo through the relay, retried a few times (UDP may drop under flood). */
  const probe = async () => {
    for (const c of [good, goodTcp]) {
      const payload = Buffer.from(`probe-${probes++}`);
      let ok = false;
      for (let attempt = 0; attempt < 5 && !ok; attempt++) {
        c.sendChannelData(0x4000, payload);
        try {
          for (;;) {
            const back = await c.nextChannelData(1500);
            if (back.data.equals(payload)) { ok = true; break; }
          }
        } catch { /* retry */ }
      }
      assert.ok(ok, `${c.transport} client got no echo for ${payload}`);
    }
  };

  const rng = prng(SEED);
  const corpus = seeds();
  const rssBefore = rssKb(turn.pid);
  const deadline = Date.now() + TIME_LIMIT_MS;

  // UDP: batches of mutated datagrams from one socket, with a probe every 10,000.
  let udpSent = 0;
  while (udpSent < UDP_MESSAGES) {
    assert.ok(Date.now() < deadline, 'time limit');
    for (let i = 0; i < 250; i++, udpSent++) fuzzUdp.send(mutate(rng, corpus[rng.int(corpus.length)]!, false), turn.udpPort, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 2));
    if (udpSent % 10_000 === 0) await probe();
  }

  // TCP: mutated frames written in batches; the server closes connections whose stream it can't
  // frame, so the fuzzer reconnects (bounded).
  let tcpSent = 0;
  let connections = 0;
  while (tcpSent < TCP_MESSAGES) {
    assert.ok(Date.now() < deadline, 'time limit');
    assert.ok(connections < 20_000, 'reconnect bound');
    connections++;
    const s = net.connect(turn.tcpPort, '127.0.0.1');
    s.on('error', () => undefined);
    await new Promise<void>((resolve) => { s.once('connect', () => resolve()); s.once('close', () => resolve()); });
    while (!s.destroyed && tcpSent < TCP_MESSAGES) {
      const batch: Buffer[] = [];
      for (let i = 0; i < 20; i++, tcpSent++) batch.push(mutate(rng, corpus[rng.int(corpus.length)]!, true));
      s.write(Buffer.concat(batch));
      await new Promise((r) => setTimeout(r, 1));
      if (tcpSent % 10_000 < 20) await probe();
    }
    s.destroy();
  }

  await probe();
  assert.equal(turn.proc.exitCode, null, 'the server process is alive');
  assert.doesNotMatch(turn.output(), /uncaught|TypeError|RangeError|fatal/i);
  const rssAfter = rssKb(turn.pid);
  t.diagnostic(`sent ${udpSent} UDP + ${tcpSent} TCP mutated messages over ${connections} connections; RSS ${rssBefore} → ${rssAfter} kB`);
  assert.ok(rssAfter - rssBefore < 80_000, `RSS grew by ${rssAfter - rssBefore} kB`);
  const allocations = await metricValue(turn.metricsUrl!, 'turn_allocations');
  assert.ok(allocations <= 3, `allocations stay bounded (${allocations})`);
});
