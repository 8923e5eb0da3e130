// The WHIP options: --whip-token (flag and environment), whipTokens per stream name in the config
// file, and errors that name the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, validateConfig } from '../../src/config/index.ts';

test('WHIP is open by default: no token, no per-stream tokens', () => {
  const c = validateConfig({});
  assert.equal(c.whipToken, undefined);
  assert.deepEqual(c.whipTokens, {});
});

test('--whip-token and TRAVERSE_WHIP_TOKEN set whipToken; whipTokens come from the config file', () => {
  assert.equal(loadConfig(['--whip-token', 'from-flag'], {}).config.whipToken, 'from-flag');
  assert.equal(loadConfig([], { TRAVERSE_WHIP_TOKEN: 'from-env' }).config.whipToken, 'from-env');
  const dir = mkdtempSync(join(tmpdir(), 'traverse-whip-config-'));
  try {
    const file = join(dir, 'traverse.json');
    writeFileSync(file, JSON.stringify({ whipTokens: { 'studio-a': 'secret-a' } }));
    assert.deepEqual(loadConfig(['--config', file], {}).config.whipTokens, { 'studio-a': 'secret-a' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty token is refused, naming the field', () => {
  assert.throws(() => validateConfig({ whipToken: '' }), /whipToken/);
  assert.throws(() => validateConfig({ whipTokens: { cam: '' } }), /whipTokens\.cam/);
});
