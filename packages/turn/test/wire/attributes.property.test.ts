// Properties of the TURN attribute values (fast-check): encode → decode round-trips, and decoders
// answer a value or undefined for any bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { channelNumber, evenPort, requestedAddressFamily, requestedTransport } from '../../src/wire/index.ts';

test('CHANNEL-NUMBER, REQUESTED-TRANSPORT and REQUESTED-ADDRESS-FAMILY round-trip', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (n) => assert.equal(channelNumber.decode(channelNumber.encode(n)), n)));
  fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), (p) => assert.equal(requestedTransport.decode(requestedTransport.encode(p)), p)));
  fc.assert(fc.property(fc.constantFrom(4 as const, 6 as const), (f) => assert.equal(requestedAddressFamily.decode(requestedAddressFamily.encode(f)), f)));
});

test('every TURN attribute decoder returns a value or undefined for any bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)), (bytes) => {
    const n = channelNumber.decode(bytes);
    if (n !== undefined) assert.ok(n >= 0 && n <= 0xffff);
    requestedTransport.decode(bytes);
    const f = requestedAddressFamily.decode(bytes);
    assert.ok(f === undefined || f === 4 || f === 6 || f === 'unknown');
    const e = evenPort.decode(bytes);
    assert.ok(e === undefined || typeof e.reserveNext === 'boolean');
  }), { numRuns: 2000 });
});
