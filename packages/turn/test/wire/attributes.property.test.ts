// Properties of the TURN attribute values (fast-check): encode → decode round-trips, and decoders
// answer a value or undefined for any bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { channelNumber, evenPort, requestedAddressFamily, requestedTransport, reservationToken } from '../../src/wire/index.ts';

test('CHANNEL-NUMBER, REQUESTED-TRANSPORT, REQUESTED-ADDRESS-FAMILY, EVEN-PORT and RESERVATION-TOKEN round-trip', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (n) => assert.equal(channelNumber.decode(channelNumber.encode(n)), n)));
  fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), (p) => assert.equal(requestedTransport.decode(requestedTransport.encode(p)), p)));
  fc.assert(fc.property(fc.constantFrom(4 as const, 6 as const), (f) => assert.equal(requestedAddressFamily.decode(requestedAddressFamily.encode(f)), f)));
  fc.assert(fc.property(fc.boolean(), (r) => assert.deepEqual(evenPort.decode(evenPort.encode(r)), { reserveNext: r })));
  fc.assert(fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b)), (t) => assert.deepEqual(reservationToken.decode(reservationToken.encode(t)), t)));
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
    const token = reservationToken.decode(bytes);
    assert.ok(token === undefined || token.length === 8);
  }), { numRuns: 2000 });
});
