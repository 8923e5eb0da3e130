import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer, encodeChannelData, type Frame } from '../../src/wire/index.ts';
import { requests } from '../support/turn-messages.ts';

function collect(framer: StreamFramer, chunks: Buffer[]): { frames: Frame[]; error?: string } {
  const frames: Frame[] = [];
  for (const c of chunks) {
    const error = framer.push(c, (f) => frames.push({ kind: f.kind, bytes: Buffer.from(f.bytes) }));
    if (error) return { frames, error };
  }
  return { frames };
}

const stun = requests.binding().bytes;
const cd = encodeChannelData(0x4001, Buffer.from('hello'), true); // 5 bytes of data + 3 of padding

test('StreamFramer yields several frames from one read, without ChannelData padding', () => {
  const { frames } = collect(new StreamFramer(70_000), [Buffer.concat([stun, cd, stun])]);
  assert.deepEqual(frames.map((f) => f.kind), ['stun', 'channel-data', 'stun']);
  assert.equal(frames[1]!.bytes.length, 9);
  assert.deepEqual(frames[0]!.bytes, stun);
});

test('StreamFramer reassembles frames split across reads, one byte at a time', () => {
  const all = Buffer.concat([cd, stun, cd]);
  const chunks = [...all].map((b) => Buffer.from([b]));
  const { frames } = collect(new StreamFramer(70_000), chunks);
  assert.deepEqual(frames.map((f) => f.kind), ['channel-data', 'stun', 'channel-data']);
  assert.deepEqual(frames[1]!.bytes, stun);
});

test('StreamFramer rejects bytes that are neither STUN nor ChannelData, and oversized frames', () => {
  assert.equal(collect(new StreamFramer(70_000), [Buffer.from([0x80, 0, 0, 0])]).error, 'not STUN or ChannelData');
  const big = Buffer.alloc(8);
  big.writeUInt16BE(0x4000, 0);
  big.writeUInt16BE(2000, 2);
  assert.equal(collect(new StreamFramer(1000), [big]).error, 'frame larger than the limit');
  const bigStun = Buffer.from(stun);
  bigStun.writeUInt16BE(4000, 2);
  assert.equal(collect(new StreamFramer(1000), [bigStun]).error, 'frame larger than the limit');
});

test('StreamFramer keeps only the incomplete tail buffered', () => {
  const framer = new StreamFramer(70_000);
  collect(framer, [Buffer.concat([stun, stun.subarray(0, 7)])]);
  assert.equal(framer.buffered, 7);
});

test('StreamFramer: a large frame trickled in 16-byte reads comes out whole, copied about once', () => {
  const big = encodeChannelData(0x4002, Buffer.alloc(60_000, 7), true);
  const framer = new StreamFramer(70_000);
  const chunks: Buffer[] = [];
  for (let i = 0; i < big.length; i += 16) chunks.push(big.subarray(i, i + 16));
  // Count what Buffer.concat copies: re-joining the pending bytes on every read would copy ~112 MB.
  const concat = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], length?: number) => {
    const out = concat(list, length);
    copied += out.length;
    return out;
  }) as typeof Buffer.concat;
  let result: ReturnType<typeof collect>;
  try {
    result = collect(framer, [...chunks, stun]);
  } finally {
    Buffer.concat = concat;
  }
  assert.equal(result.error, undefined);
  assert.deepEqual(result.frames.map((f) => [f.kind, f.bytes.length]), [['channel-data', 60_004], ['stun', stun.length]]);
  assert.equal(framer.buffered, 0);
  assert.ok(copied < 3 * big.length, `copied ${copied} bytes for a ${big.length}-byte frame`);
});

test('StreamFramer.setLimit(): a frame refused under a small limit passes once it is raised', () => {
  const big = requests.binding().bytes.length < 4096 ? encodeChannelData(0x4001, Buffer.alloc(5000), true) : stun;
  assert.equal(collect(new StreamFramer(4096), [big]).error, 'frame larger than the limit');
  const framer = new StreamFramer(4096);
  framer.setLimit(70_000);
  assert.equal(collect(framer, [big]).frames.length, 1);
});
