// Properties of ChannelData (fast-check): encode → decode round-trips, with and without stream
// padding, and decoding any bytes gives a frame or undefined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CHANNEL_DATA_HEADER, MAX_CHANNEL, MIN_CHANNEL, decodeChannelData, encodeChannelData, looksLikeChannelData } from '../../src/wire/index.ts';

const channel = fc.integer({ min: MIN_CHANNEL, max: MAX_CHANNEL });

test('decodeChannelData(encodeChannelData(c, data, pad)) gives back c and data; stream frames are padded to 4 bytes', () => {
  fc.assert(fc.property(channel, fc.uint8Array({ maxLength: 1500 }), fc.boolean(), (c, data, pad) => {
    const bytes = encodeChannelData(c, data, pad);
    assert.ok(looksLikeChannelData(bytes));
    const frame = decodeChannelData(bytes);
    assert.equal(frame?.channel, c);
    assert.deepEqual([...frame!.data], [...data]);
    if (pad) assert.equal(bytes.length % 4, 0);
    else assert.equal(bytes.length, CHANNEL_DATA_HEADER + data.length);
  }));
});

test('decodeChannelData() returns a frame within the input, or undefined, for any bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)), (bytes) => {
    const frame = decodeChannelData(bytes);
    if (!frame) return;
    assert.ok(frame.channel >= MIN_CHANNEL && frame.channel <= MAX_CHANNEL);
    assert.ok(CHANNEL_DATA_HEADER + frame.data.length <= bytes.length);
  }), { numRuns: 3000 });
});
