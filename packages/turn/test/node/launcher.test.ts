// The installed command: bin/traverse-turn.js runs the build in dist/ (not the sources through tsx)
// with the node flags of its #! line, and serves STUN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually, within } from '../support/bounded.ts';
import { requests, readResponse } from '../support/turn-messages.ts';

const pkg = fileURLToPath(new URL('../../', import.meta.url));


test('after npm run build, the launcher runs dist/ with its #! flags and answers a STUN Binding', async (t) => {
  execFileSync(process.execPath, [`${pkg}build.mjs`], { stdio: 'ignore' });
  const proc = spawn(`${pkg}bin/traverse-turn.js`, ['--listening-ip', '127.0.0.1', '--listening-port', '0', '--relay-ip', '127.0.0.1',
    '--no-tcp', '--no-tls', '--user', 'u:p', '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => proc.kill('SIGKILL'));
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const listening = await eventually(() => out.split('\n').map((l) => { try { return JSON.parse(l); } catch { return undefined; } })
    .find((j) => j?.msg === 'listening'), 20_000, `traverse-turn listening (output: ${out})`);
  const port = listening.udp[0].port as number;

  assert.match(readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8'), /--max-semi-space-size=1/);
  assert.doesNotMatch(out, /through tsx/, 'the launcher fell back to the sources');

  const s = dgram.createSocket('udp4');
  t.after(() => s.close());
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const reply = new Promise<Buffer>((resolve) => s.once('message', resolve));
  s.send(requests.binding().bytes, port, '127.0.0.1');
  const r = readResponse(await within(reply, 5000, 'Binding response'));
  assert.equal(r.mapped?.port, s.address().port);
});
