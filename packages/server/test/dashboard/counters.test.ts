import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyReport, roundTripMs, type LinkQuality } from '../../src/media/receiver-reports.ts';
import { readH264SpsSize } from '../../src/media/h264-sps.ts';
import { readVp8KeyFrameSize } from '../../src/media/video-counters.ts';

/** A VP8 RTP payload: descriptor (with or without extension), then the frame header of RFC 6386 §9.1. */
function vp8Payload(opts: { keyFrame: boolean; start?: boolean; pictureId15?: boolean; width: number; height: number }): Buffer {
  const descriptor = opts.pictureId15
    ? [0x80 | (opts.start === false ? 0 : 0x10), 0x80, 0x80 | 0x12, 0x34] // X, I, 15-bit picture id
    : [opts.start === false ? 0 : 0x10];
  const frameTag = [opts.keyFrame ? 0x10 : 0x11, 0x02, 0x00];
  const size = [opts.width & 0xff, opts.width >> 8, opts.height & 0xff, opts.height >> 8];
  return Buffer.from([...descriptor, ...frameTag, 0x9d, 0x01, 0x2a, ...size, 0, 0, 0]);
}

test('readVp8KeyFrameSize() reads width and height from the first packet of a key frame, with or without descriptor extensions', () => {
  const size = { width: 0, height: 0 };
  assert.equal(readVp8KeyFrameSize(vp8Payload({ keyFrame: true, width: 1280, height: 720 }), size), true);
  assert.deepEqual(size, { width: 1280, height: 720 });
  assert.equal(readVp8KeyFrameSize(vp8Payload({ keyFrame: true, pictureId15: true, width: 640, height: 480 }), size), true);
  assert.deepEqual(size, { width: 640, height: 480 });
});

test('readVp8KeyFrameSize() leaves the size alone for delta frames, later packets of a frame and short or garbage payloads', () => {
  const size = { width: 320, height: 240 };
  assert.equal(readVp8KeyFrameSize(vp8Payload({ keyFrame: false, width: 1, height: 1 }), size), false);
  assert.equal(readVp8KeyFrameSize(vp8Payload({ keyFrame: true, start: false, width: 1, height: 1 }), size), false);
  assert.equal(readVp8KeyFrameSize(Buffer.alloc(0), size), false);
  assert.equal(readVp8KeyFrameSize(Buffer.from([0x90, 0x80]), size), false);
  assert.equal(readVp8KeyFrameSize(Buffer.from([0x10, 0x10, 0, 0, 0xff, 0xff, 0xff, 1, 1, 1, 1]), size), false, 'no start code');
  assert.deepEqual(size, { width: 320, height: 240 });
});

/** Baseline SPS with emulation-prevention bytes, 720x404 (mux.js's test-sps.js vector). */
const SPS_720X404 = [0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x00, 0xb4, 0x35, 0xf9, 0xe1, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x0f, 0x16, 0x2e, 0x48];
/** The SPS of Cardinal Peak's "world's smallest H.264 encoder", 128x96. */
const SPS_128X96 = [0x67, 0x42, 0x00, 0x0a, 0xf8, 0x41, 0xa2];

test('readH264SpsSize() reads the size of an SPS sent alone or inside a STAP-A with the PPS', () => {
  const size = { width: 0, height: 0 };
  assert.equal(readH264SpsSize(Uint8Array.from(SPS_720X404), size), true);
  assert.deepEqual(size, { width: 720, height: 404 });
  const pps = [0x68, 0xce, 0x3c, 0x80];
  const stapA = Uint8Array.from([0x78, 0, SPS_128X96.length, ...SPS_128X96, 0, pps.length, ...pps]);
  assert.equal(readH264SpsSize(stapA, size), true);
  assert.deepEqual(size, { width: 128, height: 96 });
});

test('readH264SpsSize() drops emulation-prevention bytes (00 00 03) before reading the fields after them', () => {
  // The 128x96 SPS with level 0: constraint and level bytes make 00 00, so a 03 follows.
  const escaped = Uint8Array.from([0x67, 0x42, 0x00, 0x00, 0x03, 0xf8, 0x41, 0xa2]);
  const size = { width: 0, height: 0 };
  assert.equal(readH264SpsSize(escaped, size), true);
  assert.deepEqual(size, { width: 128, height: 96 });
});

test('readH264SpsSize() leaves the size alone for other NAL units, truncated SPS and STAP-A sizes past the end', () => {
  const size = { width: 320, height: 240 };
  assert.equal(readH264SpsSize(Uint8Array.from([0x65, 0x88, 0x84]), size), false, 'IDR slice');
  assert.equal(readH264SpsSize(Uint8Array.from(SPS_720X404.slice(0, 6)), size), false, 'truncated');
  assert.equal(readH264SpsSize(Uint8Array.from([0x78, 0, 200, ...SPS_128X96]), size), false, 'STAP-A size past the end');
  assert.equal(readH264SpsSize(new Uint8Array(0), size), false);
  assert.deepEqual(size, { width: 320, height: 240 });
});

test('roundTripMs() is arrival − our sender report\'s departure − the browser\'s DLSR, only for a report naming our last sender report', () => {
  const lastSent = { lsr: 0x12345678, sentAtMs: 10_000 };
  assert.equal(roundTripMs(10_150, { lsr: 0x12345678, dlsr: 65536 / 10 }, lastSent), 50);
  assert.equal(roundTripMs(10_150, { lsr: 0x12345679, dlsr: 0 }, lastSent), undefined, 'another report');
  assert.equal(roundTripMs(10_150, { lsr: 0, dlsr: 0 }, lastSent), undefined, 'no sender report received yet');
  assert.equal(roundTripMs(10_050, { lsr: 0x12345678, dlsr: 65536 }, lastSent), undefined, 'negative: not an RTT');
});

test('applyReport() takes the loss fraction of each report and smooths the RTT', () => {
  const link: LinkQuality = { rttMs: undefined, lossFraction: undefined };
  const lastSent = { lsr: 7, sentAtMs: 0 };
  applyReport(link, 80, { fractionLost: 64, lsr: 7, dlsr: 0 }, lastSent);
  assert.deepEqual(link, { rttMs: 80, lossFraction: 0.25 });
  applyReport(link, 160, { fractionLost: 0, lsr: 7, dlsr: 0 }, lastSent);
  assert.deepEqual(link, { rttMs: 90, lossFraction: 0 });
});
