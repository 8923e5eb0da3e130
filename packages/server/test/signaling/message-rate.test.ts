import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageRate } from '../../src/signaling/message-rate.ts';

test('a burst of twice the rate passes, then the sustained rate', () => {
  const rate = new MessageRate(10, 0);
  let passed = 0;
  for (let i = 0; i < 100; i++) if (rate.take(0)) passed++;
  assert.equal(passed, 20);
  assert.equal(rate.take(50), false, 'half a token after 50 ms');
  assert.equal(rate.take(100), true, 'one token after 100 ms');
  passed = 0;
  for (let ms = 1000; ms <= 11_000; ms += 10) if (rate.take(ms)) passed++;
  // 9 tokens saved up between 100 and 1000 ms, then 10 s at 10/s.
  assert.ok(passed >= 107 && passed <= 110, `9 + 10 s at 10/s: ${passed}`);
});
