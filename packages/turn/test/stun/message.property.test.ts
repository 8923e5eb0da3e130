// Properties of the STUN message codec (fast-check): what is encoded decodes to the same message, and
// no byte string makes a decoder or a check throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Attr, HEADER_LENGTH, MAGIC_COOKIE, checkFingerprint, decodeStun, encodeMessage, verifyIntegrity, type StunClass,
} from '../../src/stun/index.ts';

/** Attributes the encoder appends itself (integrity, fingerprint) are not generated as plain ones. */
const APPENDED = new Set<number>([Attr.MessageIntegrity, Attr.MessageIntegritySha256, Attr.Fingerprint]);

const attribute = fc.record({
  type: fc.integer({ min: 0, max: 0xffff }).filter((t) => !APPENDED.has(t)),
  value: fc.uint8Array({ maxLength: 64 }),
});

const message = fc.record({
  cls: fc.integer({ min: 0, max: 3 }).map((c) => c as StunClass),
  method: fc.integer({ min: 0, max: 0xfff }),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attributes: fc.array(attribute, { maxLength: 12 }),
  integrityKey: fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 }), { nil: undefined }),
  integritySha256Key: fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 }), { nil: undefined }),
  fingerprint: fc.boolean(),
});

type Generated = typeof message extends fc.Arbitrary<infer T> ? T : never;

function encode(m: Generated): Buffer {
  return encodeMessage(m.cls, m.method, m.transactionId, m.attributes, {
    ...(m.integrityKey ? { integrityKey: m.integrityKey } : {}),
    ...(m.integritySha256Key ? { integritySha256Key: m.integritySha256Key } : {}),
    fingerprint: m.fingerprint,
  });
}

test('decodeStun(encodeMessage(m)) gives back the class, method, transaction id and attributes of m', () => {
  fc.assert(fc.property(message, (m) => {
    const r = decodeStun(encode(m));
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.message.cls, m.cls);
    assert.equal(r.message.method, m.method);
    assert.deepEqual([...r.message.transactionId], [...m.transactionId]);
    const plain = r.message.attributes.filter((a) => !APPENDED.has(a.type));
    assert.deepEqual(plain.map((a) => [a.type, [...a.value]]), m.attributes.map((a) => [a.type, [...a.value]]));
  }));
});

test('an encoded message passes its own FINGERPRINT and MESSAGE-INTEGRITY checks', () => {
  fc.assert(fc.property(message, (m) => {
    const r = decodeStun(encode(m));
    assert.ok(r.ok);
    assert.equal(checkFingerprint(r.message), true);
    // MESSAGE-INTEGRITY-SHA256 is checked in preference when both are present.
    const key = m.integritySha256Key ?? m.integrityKey;
    assert.equal(verifyIntegrity(r.message, key ?? Buffer.from('no key')), key ? 'valid' : 'absent');
  }));
});

test('one corrupted byte among those FINGERPRINT covers is never accepted: decoding or FINGERPRINT fails', () => {
  const corrupted = fc.record({ m: message.map((m) => ({ ...m, fingerprint: true })), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) });
  fc.assert(fc.property(corrupted, ({ m, at, xor }) => {
    const bytes = encode(m);
    // The CRC covers everything before the FINGERPRINT attribute (its last 8 bytes). A hit on that
    // attribute's own type turns it into an unknown optional attribute: FINGERPRINT is optional in STUN.
    bytes[at % (bytes.length - 8)]! ^= xor;
    const r = decodeStun(bytes);
    assert.ok(!r.ok || !checkFingerprint(r.message));
  }));
});

/** Arbitrary bytes, and arbitrary bodies behind a well-formed header (which get past the first checks). */
const noise = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.record({ type: fc.integer({ min: 0, max: 0x3fff }), body: fc.uint8Array({ maxLength: 50 }).map((b) => Buffer.from(b.subarray(0, b.length & ~3))) })
    .map(({ type, body }) => {
      const header = Buffer.alloc(HEADER_LENGTH);
      header.writeUInt16BE(type, 0);
      header.writeUInt16BE(body.length, 2);
      header.writeUInt32BE(MAGIC_COOKIE, 4);
      return Buffer.concat([header, body]);
    }),
);

test('decodeStun() returns a message or a decode error for any bytes, and the checks on what it decodes never throw', () => {
  fc.assert(fc.property(noise, fc.uint8Array({ minLength: 1, maxLength: 20 }), (bytes, key) => {
    const r = decodeStun(bytes);
    if (!r.ok) {
      assert.equal(typeof r.error, 'string');
      return;
    }
    assert.equal(typeof checkFingerprint(r.message), 'boolean');
    assert.ok(['valid', 'invalid', 'absent'].includes(verifyIntegrity(r.message, key)));
  }), { numRuns: 2000 });
});
