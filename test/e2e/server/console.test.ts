// The real `traverse` process's console (docs/configuration.md "Logs and metrics"): on a terminal
// (a pseudo-terminal from util-linux `script`) or with --log-format pretty, readable lines and a
// start-up summary with the URLs; through a pipe, or with --log-format json, JSON lines only.
// Everything on 127.0.0.1 with ephemeral ports; processes are stopped by PID.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { waitFor } from '../support/wait.ts';
import { startProcess, type Started } from '../turn/support.ts';

const TRAVERSE = ['--import', 'tsx', 'packages/server/bin/traverse.ts',
  '--http-port', '0', '--ws-port', '0', '--listen-ip', '127.0.0.1',
  '--media-ip', '127.0.0.1', '--media-udp-port', '0', '--media-tcp-port', '0',
  '--turn-port', '0', '--turn-tls-port', '0', '--turn-listening-ip', '127.0.0.1', '--turn-relay-ip', '127.0.0.1',
  '--turn-min-port', '65000', '--turn-max-port', '65500', '--log-level', 'info'];
const TIME_LIMIT_MS = 60_000;

/** Output as a person sees it: colours and the terminal's carriage returns removed. */
function plain(output: string): string {
  // eslint-disable-next-line no-control-regex
  return output.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '');
}

function isJsonObject(line: string): boolean {
  try {
    const j = JSON.parse(line) as unknown;
    return typeof j === 'object' && j !== null;
  } catch {
    return false;
  }
}

/** Runs traverse; under `script` its stdout is a pseudo-terminal. Returns the process whose output to read and the traverse PID. */
async function runTraverse(t: TestContext, options: { terminal: boolean; args?: string[] }): Promise<{ proc: Started; traversePid: number }> {
  const args = [...TRAVERSE, ...(options.args ?? [])];
  if (!options.terminal) {
    const proc = startProcess(process.execPath, args, TIME_LIMIT_MS);
    t.after(() => proc.stop());
    return { proc, traversePid: proc.pid };
  }
  // `exec`: the shell script starts is replaced by node, so node is script's only child.
  const proc = startProcess('script', ['-qfc', ['exec', process.execPath, ...args].join(' '), '/dev/null'], TIME_LIMIT_MS);
  let traversePid = 0;
  t.after(async () => {
    if (traversePid) {
      try {
        process.kill(traversePid, 'SIGTERM');
      } catch { /* already gone */ }
    }
    await proc.stop();
  });
  traversePid = await waitFor('script to start traverse', 10_000, () => {
    try {
      const child = Number(readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      return child > 0 ? child : undefined;
    } catch {
      return undefined;
    }
  });
  return { proc, traversePid };
}

/** Waits (bounded) for the pretty summary and checks it names every address; returns the example page URL. */
async function assertPrettySummary(proc: Started): Promise<string> {
  const summary = await waitFor('the start-up summary', 30_000, () => {
    const out = plain(proc.output());
    const at = out.indexOf('Traverse is listening');
    // The summary is written in one piece; its last line is "Media".
    return at >= 0 && /^ {2}Media .*$/m.test(out.slice(at)) ? out.slice(at) : undefined;
  });
  const lines = plain(proc.output()).split('\n').filter((l) => l.trim() !== '');
  assert.ok(!lines.some(isJsonObject), `no JSON lines:\n${plain(proc.output())}`);
  const page = /^ {2}Example pages +(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(summary)?.[1];
  assert.ok(page, summary);
  for (const expected of [
    /^ {2}Signaling +ws:\/\/127\.0\.0\.1:\d+\/$/m,
    /^ {2}TURN +turn:127\.0\.0\.1:\d+\?transport=udp {2}turn:127\.0\.0\.1:\d+\?transport=tcp {2}turns:127\.0\.0\.1:\d+\?transport=tcp$/m,
    new RegExp(`^ {2}TURN credentials +${page}turn-credentials`, 'm'),
    new RegExp(`^ {2}REST API +${page}rest-api/stream/find_all`, 'm'),
    new RegExp(`^ {2}Metrics +${page}metrics`, 'm'),
    /^ {2}Media +UDP port \d+ for every session, ICE-TCP port \d+ on 127\.0\.0\.1$/m,
  ]) assert.match(summary, expected);
  // The printed addresses are the live ones.
  const credentials = await fetch(`${page}turn-credentials`, { signal: AbortSignal.timeout(10_000) });
  const turnUrls = ((await credentials.json()) as { urls: string[] }).urls;
  for (const url of turnUrls) assert.ok(summary.includes(url), `${url} in the summary`);
  return page;
}

async function exitsAfterSigterm(pid: number, proc: Started): Promise<void> {
  process.kill(pid, 'SIGTERM');
  await waitFor('the process to exit', 10_000, () => (proc.proc.exitCode !== null || proc.proc.signalCode !== null ? true : undefined));
}

test('on a terminal: readable lines, no JSON, and a start-up summary whose URLs answer', async (t) => {
  const { proc, traversePid } = await runTraverse(t, { terminal: true });
  await assertPrettySummary(proc);
  await exitsAfterSigterm(traversePid, proc);
  assert.match(plain(proc.output()), /INFO: stopped$/m, 'the stop is logged readably too');
});

test('--log-format pretty through a pipe: the same readable summary', async (t) => {
  const { proc } = await runTraverse(t, { terminal: false, args: ['--log-format', 'pretty'] });
  await assertPrettySummary(proc);
});

test('through a pipe: JSON lines only, with the "listening" line and its ports', async (t) => {
  const { proc, traversePid } = await runTraverse(t, { terminal: false });
  const listening = await waitFor('the listening line', 30_000, () => proc.output().split('\n').filter(isJsonObject)
    .map((l) => JSON.parse(l) as { msg: string; ports?: { http: number } }).find((j) => j.msg === 'listening' && j.ports));
  assert.ok(listening.ports!.http > 0);
  await exitsAfterSigterm(traversePid, proc);
  const lines = proc.output().split('\n').filter((l) => l !== '');
  assert.deepEqual(lines.filter((l) => !isJsonObject(l)), [], 'every line is a JSON object');
});

test('--log-format json on a terminal: JSON lines, as a log collector expects', async (t) => {
  const { proc, traversePid } = await runTraverse(t, { terminal: true, args: ['--log-format', 'json'] });
  await waitFor('the listening line', 30_000, () => (plain(proc.output()).split('\n').some((l) => isJsonObject(l) && l.includes('"msg":"listening"') && l.includes('"ports"')) ? true : undefined));
  await exitsAfterSigterm(traversePid, proc);
  const lines = plain(proc.output()).split('\n').filter((l) => l !== '');
  assert.deepEqual(lines.filter((l) => !isJsonObject(l)), [], 'every line is a JSON object');
});
