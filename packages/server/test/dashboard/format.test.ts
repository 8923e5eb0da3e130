import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitrate, bitrateTick, bytes, duration, fixed } from '../../web/dashboard/format.ts';

test('the page writes rates, durations and sizes short, and an unknown value as a dash', () => {
  assert.deepEqual([bitrate(null), bitrate(800), bitrate(240_000), bitrate(2_500_000)], ['—', '800 bit/s', '240 kbit/s', '2.50 Mbit/s']);
  assert.deepEqual([bitrateTick(0), bitrateTick(400_000), bitrateTick(1_500_000)], ['0', '400k', '1.5M']);
  assert.deepEqual([duration(null), duration(5), duration(65), duration(3725)], ['—', '5s', '1m 05s', '1h 02m']);
  assert.deepEqual([bytes(218 * 2 ** 20), bytes(3 * 2 ** 30)], ['218 MiB', '3.00 GiB']);
  assert.deepEqual([fixed(null, 0, ' ms'), fixed(61.6, 0, ' ms'), fixed(0, 1, ' %')], ['—', '62 ms', '0.0 %']);
});
