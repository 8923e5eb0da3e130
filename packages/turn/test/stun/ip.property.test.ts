// Properties of IP text ⇄ bytes (fast-check): what is printed parses back to the same bytes, and no
// text makes the parsers throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalIP, formatIPv4, formatIPv6, ipFamily, parseIP, parseIPv4, parseIPv6 } from '../../src/stun/index.ts';

test('parseIPv4(formatIPv4(b)) and parseIPv6(formatIPv6(b)) give back b', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => assert.deepEqual(parseIPv4(formatIPv4(b)), b)));
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => assert.deepEqual(parseIPv6(formatIPv6(b)), b)));
});

test('every textual form of an IPv6 address parses to the bytes of its canonical form', () => {
  fc.assert(fc.property(fc.ipV6(), (text) => {
    const bytes = parseIPv6(text);
    assert.ok(bytes, text);
    assert.deepEqual(parseIPv6(formatIPv6(bytes)), bytes);
    assert.equal(ipFamily(text), 6);
  }));
  fc.assert(fc.property(fc.ipV4(), (text) => assert.equal(formatIPv4(parseIPv4(text)!), text)));
});

test('the IP parsers return bytes or undefined for any text', () => {
  const ipish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%[]/ -'), maxLength: 50 });
  fc.assert(fc.property(fc.oneof(ipish, fc.string({ maxLength: 50 })), (s) => {
    const b = parseIP(s);
    if (b) assert.ok(b.length === 4 || b.length === 16);
    const c = canonicalIP(s);
    if (c !== undefined) assert.ok(parseIP(c));
    ipFamily(s);
  }), { numRuns: 3000 });
});
