// The relay pool's port choice: shapes, fragmentation, and a bounded search on a full 16k range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findFreePort } from '../../src/node/port-search.ts';

const range = (minPort: number, maxPort: number) => ({ minPort, maxPort });

test('a pair is an even port whose next port is free too: an even port under a used odd one is never chosen', () => {
  const used = new Set([61751]);
  for (let i = 0; i < 200; i++) assert.equal(findFreePort(used, range(61750, 61753), 'pair'), 61752);
  assert.equal(findFreePort(new Set([61753]), range(61750, 61753), 'pair'), 61750);
  assert.equal(findFreePort(new Set([61751, 61753]), range(61750, 61753), 'pair'), undefined, 'free ports, but no free pair');
});

test('even and pair searches respect the range edges: an odd minimum, and no pair across the maximum', () => {
  assert.equal(findFreePort(new Set(), range(61751, 61752), 'even'), 61752);
  assert.equal(findFreePort(new Set(), range(61751, 61752), 'pair'), undefined);
  assert.equal(findFreePort(new Set(), range(61751, 61751), 'even'), undefined);
  for (let i = 0; i < 200; i++) {
    const p = findFreePort(new Set(), range(61751, 61760), 'pair')!;
    assert.ok(p % 2 === 0 && p >= 61752 && p + 1 <= 61760, String(p));
  }
});

test('on a full 49152–65535 range with one pair left, the search finds it, and answers undefined when none is left, within a bound', () => {
  const used = new Set<number>();
  for (let p = 49152; p <= 65535; p++) used.add(p);
  used.delete(65534);
  used.delete(65535);
  const started = performance.now();
  assert.equal(findFreePort(used, range(49152, 65535), 'pair'), 65534);
  used.add(65535);
  assert.equal(findFreePort(used, range(49152, 65535), 'pair'), undefined);
  assert.equal(findFreePort(used, range(49152, 65535), 'any'), 65534);
  assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
});
