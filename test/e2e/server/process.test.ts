// The real `traverse` CLI as a child process (docs/configuration.md): --help, a bad flag value, and
// graceful shutdown on SIGTERM/SIGINT — every stream gets a final status over its still-open socket,
// then the process exits 0 within 5 s. Everything on 127.0.0.1 with ephemeral ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestPublisher } from '../../../packages/server/test/support/werift-client.ts';
import { WsClient, newId, publishPayload } from '../../../packages/server/test/support/ws-client.ts';
import { waitFor } from '../support/wait.ts';
import { startProcess, type Started } from '../turn/support.ts';

const CLI = ['--import', 'tsx', 'packages/server/bin/traverse.ts'];
/** Ephemeral ports on loopback, the embedded TURN on (port 0 too). Flags win over TRAVERSE_* env. */
const LOOPBACK = [
  '--http-port', '0', '--ws-port', '0', '--listen-ip', '127.0.0.1',
  '--media-ip', '127.0.0.1', '--media-port-min', '0', '--media-port-max', '0',
  '--turn-port', '0', '--turn-tls-port', '0', '--turn-listening-ip', '127.0.0.1', '--turn-relay-ip', '127.0.0.1',
  '--turn-min-port', '65000', '--turn-max-port', '65500',
  '--log-level', 'info',
];
const TIME_LIMIT_MS = 120_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when the process exits, rejects after `ms`. */
function exited(p: Started, ms: number): Promise<Exit> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return Promise.resolve({ code: p.proc.exitCode, signal: p.proc.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pid ${p.pid} still running after ${ms} ms; output:\n${p.output()}`)), ms);
    p.proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

function jsonLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((l) => {
    try {
      const j = JSON.parse(l) as unknown;
      return j && typeof j === 'object' ? [j as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

interface Ports {
  http: number;
  ws: number;
  turn?: { udp?: number; tcp?: number; tls?: number };
}

/** Starts the CLI and waits (bounded) for its top-level "listening" line, which carries the ports. */
async function startServer(): Promise<Started & { ports: Ports }> {
  const p = startProcess(process.execPath, [...CLI, ...LOOPBACK], TIME_LIMIT_MS);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    // The embedded TURN logs its own "listening" (component "turn"); the server's has `ports`.
    const line = jsonLines(p.output()).find((j) => j.msg === 'listening' && j.ports !== undefined);
    if (line) return Object.assign(p, { ports: line.ports as Ports });
    if (p.proc.exitCode !== null || p.proc.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await p.stop();
  throw new Error(`traverse did not start:\n${p.output()}`);
}

test('--help exits 0 and lists the main options', async () => {
  const p = startProcess(process.execPath, [...CLI, '--help'], 60_000);
  const exit = await exited(p, 30_000);
  assert.deepEqual(exit, { code: 0, signal: null }, p.output());
  for (const flag of ['--http-port', '--ws-port', '--turn-port', '--media-ip', '--announced-ip', '--config']) {
    assert.match(p.output(), new RegExp(`^\\s+${flag}\\b`, 'm'), `--help lists ${flag}`);
  }
});

test('a bad flag value stops the start with a non-zero exit and a message naming the field', async () => {
  const cases: { args: string[]; field: RegExp }[] = [
    { args: ['--http-port', '70000'], field: /httpPort/ },
    { args: ['--turn-secret', 'short'], field: /turn\.secret: at least 16 characters/ },
    { args: ['--ws-port', 'abc'], field: /--ws-port: not a number/ },
  ];
  for (const { args, field } of cases) {
    const p = startProcess(process.execPath, [...CLI, ...LOOPBACK, ...args], 60_000);
    const exit = await exited(p, 30_000);
    assert.equal(exit.signal, null, `${args.join(' ')}: not killed`);
    assert.notEqual(exit.code, 0, `${args.join(' ')}: non-zero exit`);
    assert.match(p.output(), field, `${args.join(' ')}: ${p.output()}`);
    assert.ok(!jsonLines(p.output()).some((j) => j.msg === 'listening'), `${args.join(' ')}: did not start listening`);
  }
});

test('the listening line reports the real ephemeral ports, TURN included, and /health answers', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  assert.ok(server.ports.http > 0 && server.ports.ws > 0, JSON.stringify(server.ports));
  assert.ok(server.ports.turn?.udp && server.ports.turn.tcp && server.ports.turn.tls, `TURN ports ${JSON.stringify(server.ports.turn)}`);
  const res = await fetch(`http://127.0.0.1:${server.ports.http}/health`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { status: string }).status, 'ok');
});

test('SIGTERM: a live publisher gets UNPUBLISHED "Requested stream shutdown" before its socket closes, and the process exits 0 within 5 s', async (t) => {
  const server = await startServer();
  const publisher = new TestPublisher(); // media from 127.0.0.1 (the helper's default)
  let ws: WsClient | undefined;
  t.after(async () => {
    ws?.close();
    await publisher.close();
    await server.stop();
  });

  ws = await WsClient.establish(`ws://127.0.0.1:${server.ports.ws}/`);
  // Everything the socket sees, in order: frames, then the close.
  const events: ({ kind: 'frame'; message: string; data: unknown[] } | { kind: 'close'; code: number })[] = [];
  ws.ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as { message: string; data: unknown[] };
    events.push({ kind: 'frame', message: f.message, data: f.data });
  });
  ws.ws.on('close', (code) => events.push({ kind: 'close', code }));

  const id = newId();
  ws.send('publishStream', publishPayload(id, 'shutdown-cam', await publisher.offer()));
  await publisher.accept(await ws.answer(id));
  const publishing = await ws.status(id);
  assert.equal(publishing.status, 'PUBLISHING');
  publisher.startSending(50);
  // Media is flowing when the server has counted the publisher's RTP.
  await waitFor('the server to receive RTP', 10_000, async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${server.ports.http}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    return Number(/^traverse_rtp_packets_total\{direction="in"\} (\d+)/m.exec(metrics)?.[1] ?? 0) > 0 ? true : undefined;
  });

  const mark = events.length;
  const signalled = Date.now();
  assert.ok(server.proc.kill('SIGTERM'));
  const exit = await exited(server, 10_000);
  const tookMs = Date.now() - signalled;
  assert.deepEqual(exit, { code: 0, signal: null }, server.output());
  assert.ok(tookMs < 5000, `exited ${tookMs} ms after SIGTERM`);
  // A clean stop, not the 4.5 s fallback of main.ts.
  assert.ok(jsonLines(server.output()).some((j) => j.msg === 'stopped' && j.component === undefined), `logged "stopped":\n${server.output()}`);

  // The socket has closed by now (the server exited); bounded in case the close is still in flight.
  await waitFor('the client to see its socket close', 5000, () => (events.some((e) => e.kind === 'close') ? true : undefined), { everyMs: 20 });
  const closeAt = events.findIndex((e) => e.kind === 'close');
  // The first status for the stream after the signal (PUBLISHING came before `mark`).
  const finalAt = events.findIndex((e, i) => i >= mark && e.kind === 'frame' && e.message === 'notifyStreamStatusEvent'
    && (e.data[0] as { mediaSessionId?: string }).mediaSessionId === id);
  assert.ok(finalAt >= 0, `a final notifyStreamStatusEvent for the stream after SIGTERM; got ${JSON.stringify(events.slice(mark).map((e) => (e.kind === 'frame' ? e.message : `close ${e.code}`)))}`);
  assert.ok(finalAt < closeAt, 'the final status arrives before the socket closes');
  t.diagnostic(`exit ${tookMs} ms after SIGTERM; socket close code ${(events[closeAt] as { code: number }).code}`);
  const final = (events[finalAt] as { data: unknown[] }).data[0] as { status: string; info: string; name: string; published: boolean };
  assert.deepEqual([final.status, final.info, final.name, final.published], ['UNPUBLISHED', 'Requested stream shutdown', 'shutdown-cam', true]);
});

test('SIGINT with no streams: the process exits 0 within 5 s', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const signalled = Date.now();
  assert.ok(server.proc.kill('SIGINT'));
  const exit = await exited(server, 10_000);
  const tookMs = Date.now() - signalled;
  assert.deepEqual(exit, { code: 0, signal: null }, server.output());
  assert.ok(tookMs < 5000, `exited ${tookMs} ms after SIGINT`);
  assert.ok(jsonLines(server.output()).some((j) => j.msg === 'stopping' && j.signal === 'SIGINT'), server.output());
});
