// Properties of the STUN attribute value codecs (fast-check): encode → decode round-trips, and every
// decoder answers a value or undefined (its decode error) for any bytes, never an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  errorCode, formatIPv4, formatIPv6, plainAddress, text, u32, unknownAttributes, xorAddress, type TransportAddress,
} from '../../src/stun/index.ts';

const port = fc.integer({ min: 0, max: 65535 });
const transactionId = fc.uint8Array({ minLength: 12, maxLength: 12 });
const v4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => ({ family: 4 as const, address: formatIPv4(b) }));
const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ({ family: 6 as const, address: formatIPv6(b) }));
const transportAddress = fc.tuple(fc.oneof(v4, v6), port).map(([a, p]): TransportAddress => ({ ...a, port: p }));

test('xorAddress.decode(xorAddress.encode(a, txid), txid) is a, for IPv4 and IPv6', () => {
  fc.assert(fc.property(transportAddress, transactionId, (a, txid) => {
    assert.deepEqual(xorAddress.decode(xorAddress.encode(a, txid), txid), a);
  }));
});

test('plainAddress.decode(plainAddress.encode(a)) is a, for IPv4 and IPv6', () => {
  fc.assert(fc.property(transportAddress, (a) => {
    assert.deepEqual(plainAddress.decode(plainAddress.encode(a)), a);
  }));
});

test('an XOR address decoded with another transaction id is another IPv6 address (the id is in the XOR key)', () => {
  fc.assert(fc.property(v6, port, transactionId, transactionId, (a, p, t1, t2) => {
    fc.pre(Buffer.compare(Buffer.from(t1), Buffer.from(t2)) !== 0);
    assert.notDeepEqual(xorAddress.decode(xorAddress.encode({ ...a, port: p }, t1), t2), { ...a, port: p });
  }));
});

test('errorCode, unknownAttributes, u32 and text round-trip', () => {
  const reason = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !s.includes('\uFFFD'));
  fc.assert(fc.property(fc.integer({ min: 300, max: 699 }), reason, (code, why) => {
    assert.deepEqual(errorCode.decode(errorCode.encode(code, why)), { code, reason: why });
  }));
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }), (types) => {
    assert.deepEqual(unknownAttributes.decode(unknownAttributes.encode(types)), types);
  }));
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => assert.equal(u32.decode(u32.encode(n)), n)));
  fc.assert(fc.property(reason, (s) => assert.equal(text.decode(text.encode(s), 763), s)));
});

test('every attribute decoder returns a value or undefined for any bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)), transactionId, fc.nat(800), (bytes, txid, max) => {
    const x = xorAddress.decode(bytes, txid);
    if (x) assert.ok((x.family === 4 || x.family === 6) && x.port >= 0 && x.port <= 65535);
    plainAddress.decode(bytes);
    const e = errorCode.decode(bytes);
    if (e) assert.ok(e.code >= 300 && e.code <= 699);
    unknownAttributes.decode(bytes);
    u32.decode(bytes);
    const s = text.decode(bytes, max);
    if (s !== undefined) assert.ok(Buffer.byteLength(s) <= max);
  }), { numRuns: 2000 });
});
