// Properties of the TCP/TLS stream framer (fast-check): any sequence of STUN messages and ChannelData
// frames, cut at any points, comes out frame by frame; any bytes give frames or a framing error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeMessage } from '../../src/stun/index.ts';
import { MAX_CHANNEL, MIN_CHANNEL, StreamFramer, encodeChannelData, type Frame } from '../../src/wire/index.ts';

const stunFrame = fc.record({
  method: fc.integer({ min: 0, max: 0xfff }),
  txid: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attrs: fc.array(fc.record({ type: fc.integer({ min: 0, max: 0x7fff }), value: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 4 }),
}).map(({ method, txid, attrs }) => {
  const bytes = encodeMessage(0, method, txid, attrs, { fingerprint: true });
  return { kind: 'stun' as const, bytes, wire: bytes };
});

const channelFrame = fc.record({ channel: fc.integer({ min: MIN_CHANNEL, max: MAX_CHANNEL }), data: fc.uint8Array({ maxLength: 300 }) })
  .map(({ channel, data }) => ({ kind: 'channel-data' as const, bytes: encodeChannelData(channel, data, false), wire: encodeChannelData(channel, data, true) }));

/** Cuts `bytes` at the given points (taken modulo its length). */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...at, bytes.length]) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  return out;
}

test('StreamFramer yields every frame of a stream cut at arbitrary points, ChannelData without its padding', () => {
  fc.assert(fc.property(fc.array(fc.oneof(stunFrame, channelFrame), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, points) => {
    const framer = new StreamFramer(70_000);
    const out: Frame[] = [];
    for (const chunk of cut(Buffer.concat(frames.map((f) => f.wire)), points)) {
      assert.equal(framer.push(chunk, (f) => out.push({ kind: f.kind, bytes: Buffer.from(f.bytes) })), undefined);
    }
    assert.deepEqual(out.map((f) => [f.kind, f.bytes.toString('hex')]), frames.map((f) => [f.kind, f.bytes.toString('hex')]));
    assert.equal(framer.buffered, 0);
  }));
});

test('StreamFramer.push() gives frames within its limit or a framing error for any bytes, never an exception', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), { maxLength: 8 }), fc.integer({ min: 4, max: 4096 }), (chunks, limit) => {
    const framer = new StreamFramer(limit);
    for (const chunk of chunks) {
      const error = framer.push(chunk, (f) => assert.ok(f.bytes.length <= limit));
      if (error) {
        assert.ok(error === 'not STUN or ChannelData' || error === 'frame larger than the limit');
        return;
      }
    }
  }), { numRuns: 2000 });
});
