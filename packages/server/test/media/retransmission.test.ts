import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetransmissionCache } from '../../src/media/retransmission-cache.ts';
import { ntpTimestamp } from '../../src/media/rtp-forwarder.ts';

const packet = (sequenceNumber: number) => ({ header: { sequenceNumber }, id: `p${sequenceNumber}` });

test('the retransmission cache keeps the last `size` packets and never returns a stale one', () => {
  const cache = new RetransmissionCache<ReturnType<typeof packet>>(8);
  for (let seq = 65530; seq < 65536 + 6; seq++) cache.put(packet(seq & 0xffff)); // across the wrap
  assert.equal(cache.get(65534)?.id, 'p65534');
  assert.equal(cache.get(5)?.id, 'p5');
  assert.equal(cache.get(65530), undefined, 'pushed out by newer packets');
  assert.equal(cache.get(6), undefined, 'never sent');
  assert.equal(cache.get(65535 - 8 * 100), undefined, 'same slot, other sequence number');
});

test('NTP timestamps: seconds since 1900 in the high word, the fraction in the low word', () => {
  assert.equal(ntpTimestamp(0), 2_208_988_800n << 32n);
  assert.equal(ntpTimestamp(1500), ((2_208_988_800n + 1n) << 32n) | 0x80000000n);
  const now = Date.parse('2026-11-30T00:00:00.250Z');
  const ntp = ntpTimestamp(now);
  assert.equal(Number(ntp >> 32n) - 2_208_988_800, now / 1000 - 0.25);
  assert.equal(ntp & 0xffffffffn, 0x40000000n);
});
