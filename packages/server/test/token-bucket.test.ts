import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../src/common/token-bucket.ts';

test('a full burst passes at once, then the sustained rate', () => {
  const bucket = new TokenBucket(10, 20, 0);
  let passed = 0;
  for (let i = 0; i < 100; i++) if (bucket.take(0)) passed++;
  assert.equal(passed, 20);
  assert.equal(bucket.take(50), false, 'half a token after 50 ms');
  assert.equal(bucket.take(100), true, 'one token after 100 ms');
  passed = 0;
  for (let ms = 1000; ms <= 11_000; ms += 10) if (bucket.take(ms)) passed++;
  // 9 tokens saved up between 100 and 1000 ms, then 10 s at 10/s.
  assert.ok(passed >= 107 && passed <= 110, `9 + 10 s at 10/s: ${passed}`);
});

test('an idle bucket refills only up to its burst', () => {
  const bucket = new TokenBucket(100, 5, 0);
  let passed = 0;
  for (let i = 0; i < 50; i++) if (bucket.take(60_000)) passed++;
  assert.equal(passed, 5);
});
