// classifyFirstBytes(): each kind of connection the public port carries is recognised from its first
// bytes, byte by byte: 'need-more' until the byte that decides, then the kind, whatever follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import fc from 'fast-check';
import { FIRST_BYTES_NEEDED, INSIDE_TLS_KINDS, classifyFirstBytes, type FirstBytesVerdict } from '../../src/edge/first-bytes.ts';

const COOKIE = '2112a442';
const TXID = '0102030405060708090a0b0c';

/** A STUN header (type, attribute length) with one 8-byte attribute (a USERNAME of 4 bytes, say). */
function stun(type: number): Buffer {
  const attributes = Buffer.from('00060004' + '61626364', 'hex');
  return Buffer.concat([Buffer.from(type.toString(16).padStart(4, '0') + attributes.length.toString(16).padStart(4, '0') + COOKIE + TXID, 'hex'), attributes]);
}

/** RFC 4571: a 16-bit length, then the packet. */
function framed(packet: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(packet.length);
  return Buffer.concat([length, packet]);
}

/** The first bytes a real TLS client (node's, as OpenSSL builds it) sends: its ClientHello. */
async function capturedClientHello(): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const first = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => {
    resolve(d);
    s.destroy();
  })));
  const client = tls.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', rejectUnauthorized: false });
  client.on('error', () => undefined);
  try {
    return await first;
  } finally {
    client.destroy();
    server.close();
  }
}

/** Every prefix of `bytes`: 'need-more' below `decidedAt` bytes, `kind` from there on. */
function assertByteByByte(bytes: Buffer, decidedAt: number, kind: FirstBytesVerdict, kinds?: Parameters<typeof classifyFirstBytes>[1]): void {
  for (let n = 0; n <= Math.min(bytes.length, 40); n++) {
    const want = n < decidedAt ? 'need-more' : kind;
    assert.equal(classifyFirstBytes(bytes.subarray(0, n), kinds), want, `${n} bytes of ${bytes.subarray(0, 12).toString('hex')}`);
  }
}

test('a TLS ClientHello is tls from its third byte (16 03 0x), as captured from a real TLS client', async () => {
  const hello = await capturedClientHello();
  assert.equal(hello[0], 0x16);
  assertByteByByte(hello, 3, 'tls');
  for (const version of [0x00, 0x01, 0x03, 0x04]) assert.equal(classifyFirstBytes(Buffer.from([0x16, 0x03, version])), 'tls');
  assert.equal(classifyFirstBytes(Buffer.from([0x16, 0x03, 0x05])), 'unknown', 'no TLS version 3.5');
  assert.equal(classifyFirstBytes(Buffer.from([0x16, 0x02])), 'unknown');
  assert.equal(classifyFirstBytes(Buffer.from([0x17, 0x03, 0x03])), 'unknown', 'application data before any handshake');
});

test('a bare STUN Allocate, Binding or Send indication is turn once the magic cookie is in (byte 8)', () => {
  for (const type of [0x0003, 0x0001, 0x0016, 0x0009]) assertByteByByte(stun(type), 8, 'turn');
  // Several messages back to back, as a TURN/TCP client writes them, decide the same.
  assertByteByByte(Buffer.concat([stun(0x0003), stun(0x0003)]), 8, 'turn');
});

test('an RFC 4571 frame around a STUN Binding request is ice-tcp once its cookie is in (byte 10)', () => {
  assertByteByByte(framed(stun(0x0001)), 10, 'ice-tcp');
  // A Chromium-sized check (~100 bytes of attributes): the length's high byte is 0, as for bare STUN.
  const big = Buffer.concat([Buffer.from(`0001006c${COOKIE}${TXID}`, 'hex'), Buffer.alloc(108)]);
  assertByteByByte(framed(big), 10, 'ice-tcp');
});

test('framing that does not fit the STUN message inside is not ice-tcp', () => {
  const bad = framed(stun(0x0001));
  bad.writeUInt16BE(bad.readUInt16BE(0) + 4, 0); // frame longer than the message
  assert.equal(classifyFirstBytes(bad), 'unknown');
  assert.equal(classifyFirstBytes(framed(stun(0x0003))), 'unknown', 'a framed Allocate is not an ICE check');
  assert.equal(classifyFirstBytes(framed(stun(0x0101))), 'unknown', 'a framed Binding response is not a first message');
});

test('an HTTP request line is http once the method and its space are in', () => {
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    assertByteByByte(Buffer.from(`${method} / HTTP/1.1\r\nHost: x\r\n\r\n`), method.length + 1, 'http');
  }
  assert.equal(classifyFirstBytes(Buffer.from('GETX')), 'unknown');
  assert.equal(classifyFirstBytes(Buffer.from('get / HTTP/1.1')), 'unknown', 'methods are case-sensitive');
  assert.equal(classifyFirstBytes(Buffer.from('PRI * HTTP/2.0\r\n')), 'unknown', 'no HTTP/2 prior knowledge');
});

test('anything else is unknown as soon as no pattern can match', () => {
  assert.equal(classifyFirstBytes(Buffer.alloc(0)), 'need-more');
  assert.equal(classifyFirstBytes(Buffer.from('SSH-2.0-OpenSSH')), 'unknown');
  assert.equal(classifyFirstBytes(Buffer.from([0xff])), 'unknown');
  assert.equal(classifyFirstBytes(Buffer.from('40000004deadbeef', 'hex')), 'unknown', 'ChannelData cannot open a connection');
  assert.equal(classifyFirstBytes(Buffer.from('\r\n\r\n')), 'unknown');
  // Zeros could start STUN or a frame until the bytes that decide say otherwise (byte 4: no
  // Binding request in a frame, no cookie in bare STUN).
  assertByteByByte(Buffer.alloc(16), 5, 'unknown');
  // A frame announcing 2 KB or more is no browser's first ICE check.
  assert.equal(classifyFirstBytes(Buffer.from([0x08])), 'unknown');
});

test('inside TLS only HTTP and TURN are recognised', () => {
  assert.equal(classifyFirstBytes(Buffer.from('GET / HTTP/1.1\r\n'), INSIDE_TLS_KINDS), 'http');
  assertByteByByte(stun(0x0003), 8, 'turn', INSIDE_TLS_KINDS);
  assert.equal(classifyFirstBytes(framed(stun(0x0001)), INSIDE_TLS_KINDS), 'unknown');
  assert.equal(classifyFirstBytes(Buffer.from([0x16, 0x03, 0x01, 0x02]), INSIDE_TLS_KINDS), 'unknown', 'no TLS in TLS');
});

test('random bytes: never an exception, decided by FIRST_BYTES_NEEDED bytes, and more bytes never change a verdict', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ maxLength: 8 }), (a, more) => {
    const bytes = Buffer.from(a);
    const verdict = classifyFirstBytes(bytes);
    if (bytes.length >= FIRST_BYTES_NEEDED) assert.notEqual(verdict, 'need-more');
    if (verdict !== 'need-more') assert.equal(classifyFirstBytes(Buffer.concat([bytes, more])), verdict);
  }), { numRuns: 20_000, seed: 9 });
});
