// The built IIFE bundle, run in a fresh VM context as a page would load it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = fileURLToPath(new URL('../dist/flashphoner.js', import.meta.url));

test('dist/flashphoner.js defines the global Flashphoner with the stock API', () => {
  assert.ok(existsSync(bundle), 'run npm run build first (npm test does)');
  const context: Record<string, unknown> = { console };
  vm.createContext(context);
  vm.runInContext(readFileSync(bundle, 'utf8'), context);
  const F = context.Flashphoner as Record<string, unknown>;
  for (const fn of ['init', 'createSession', 'getSessions', 'getSession', 'getMediaProviders', 'releaseLocalMedia', 'getMediaAccess', 'playFirstSound', 'playFirstVideo', 'getLogger']) {
    assert.equal(typeof F[fn], 'function', fn);
  }
  const constants = F.constants as Record<string, Record<string, string>>;
  assert.equal(constants.SESSION_STATUS!.ESTABLISHED, 'ESTABLISHED');
  assert.equal(constants.STREAM_STATUS!.PUBLISHING, 'PUBLISHING');
  assert.equal(constants.STREAM_STATUS_INFO!.STOPPED_BY_PUBLISHER_STOP, 'Stopped by publisher stop');
  assert.equal(constants.STREAM_EVENT as unknown as string, 'STREAM_EVENT');
});
