import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { testApp } from '../support/app.ts';
import type { DashboardHello, DashboardUpdate } from '../../src/dashboard/sample.ts';

interface EventStream {
  status: number;
  /** Resolves with the next complete server-sent event. */
  next(timeoutMs?: number): Promise<{ event: string; data: unknown }>;
  close(): void;
}

/** A raw server-sent-events reader (Node has no EventSource), bounded waits. */
function openEvents(url: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      let buffer = '';
      const queue: { event: string; data: unknown }[] = [];
      let wake: (() => void) | undefined;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          queue.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
          wake?.();
        }
      });
      resolve({
        status: res.statusCode ?? 0,
        async next(timeoutMs = 5000) {
          const deadline = Date.now() + timeoutMs;
          while (queue.length === 0) {
            if (Date.now() > deadline) throw new Error(`no event within ${timeoutMs} ms`);
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 100);
            });
          }
          return queue.shift()!;
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

test('app.stop() ends open dashboard event streams instead of waiting for them', async () => {
  const app = await testApp();
  const events = await openEvents(`${app.httpUrl}/dashboard/events`);
  try {
    assert.equal((await events.next()).event, 'hello');
    let stopped = false;
    const stopping = app.stop().then(() => (stopped = true));
    const deadline = Date.now() + 5000;
    while (!stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(stopped, true, 'stopped within 5 s with a stream open');
    await stopping;
    assert.equal(app.dashboard.listeners, 0);
  } finally {
    events.close();
    await app.stop();
  }
});

describe('/dashboard/events', () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  before(async () => {
    app = await testApp();
  });
  after(async () => {
    await app?.stop();
  });

  test('sends the charts\' history first, then an update about once a second', async () => {
    const events = await openEvents(`${app.httpUrl}/dashboard/events`);
    try {
      assert.equal(events.status, 200);
      const hello = await events.next();
      assert.equal(hello.event, 'hello');
      assert.ok((hello.data as DashboardHello).history.length >= 1, 'the feed samples from start-up');
      const started = Date.now();
      const first = await events.next(3000);
      const second = await events.next(3000);
      assert.deepEqual([first.event, second.event], ['update', 'update']);
      const update = second.data as DashboardUpdate;
      assert.equal(update.sample.turn.enabled, true);
      assert.deepEqual(update.sample.turn.transports.map((t) => t.transport), ['udp', 'tcp', 'tls']);
      assert.match(update.sample.nodeId, /^traverse-/);
      assert.ok(update.sample.process.rssBytes > 0);
      assert.equal(update.point.playersByPath.length, 4);
      assert.ok(Date.now() - started < 3000, 'two updates within about two seconds');
    } finally {
      events.close();
    }
  });

  test('refuses more than 16 streams at once with 503, and a closed stream frees its place and its listener', async () => {
    const dashboard = app.dashboard;
    const open: EventStream[] = [];
    try {
      for (let i = 0; i < 16; i++) open.push(await openEvents(`${app.httpUrl}/dashboard/events`));
      assert.deepEqual(open.map((e) => e.status), Array(16).fill(200));
      const refused = await openEvents(`${app.httpUrl}/dashboard/events`);
      open.push(refused);
      assert.equal(refused.status, 503);
      open.pop()!.close();
      assert.equal(dashboard.listeners, 16);
      for (const e of open.splice(0)) e.close();
      const deadline = Date.now() + 5000;
      while (dashboard.listeners > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(dashboard.listeners, 0, 'every closed stream unsubscribed');
      const again = await openEvents(`${app.httpUrl}/dashboard/events`);
      assert.equal(again.status, 200);
      again.close();
    } finally {
      for (const e of open) e.close();
    }
  });
});
