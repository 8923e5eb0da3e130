// The log limiter (observability/log-limiter.ts) on a fake clock: a few lines per kind and window,
// then one "N more suppressed" line when the window ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { LogLimiter, type LimiterTimer } from '../../src/observability/log-limiter.ts';

/** A fake clock whose timers run when the test moves time past them. */
function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    now: () => now,
    schedule(fn: () => void, ms: number): LimiterTimer {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0)) {
        if (t.cancelled) continue;
        if (t.at <= now) t.fn();
        else timers.push(t);
      }
    },
    pending: () => timers.filter((t) => !t.cancelled).length,
  };
}

/** A pino logger writing each line, parsed, into an array. */
function capturedLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

test('the first 5 events of a kind in a window are logged with their fields and kind; the rest are not', () => {
  const clock = fakeClock();
  const { logger, lines } = capturedLogger();
  const limiter = new LogLimiter(logger, { now: clock.now, schedule: clock.schedule });
  for (let i = 0; i < 100; i++) limiter.warn('invalid_frame', { i }, 'invalid message');
  assert.deepEqual(lines.map((l) => [l.msg, l.i, l.kind, l.level]), [0, 1, 2, 3, 4].map((i) => ['invalid message', i, 'invalid_frame', 40]));
});

test('when the window ends, one line reports how many were suppressed, at the same level', () => {
  const clock = fakeClock();
  const { logger, lines } = capturedLogger();
  const limiter = new LogLimiter(logger, { now: clock.now, schedule: clock.schedule });
  for (let i = 0; i < 100; i++) limiter.warn('invalid_frame', {}, 'invalid message');
  clock.advance(999);
  assert.equal(lines.length, 5, 'nothing before the window ends');
  clock.advance(1);
  assert.equal(lines.length, 6);
  assert.deepEqual([lines[5]!.msg, lines[5]!.suppressed, lines[5]!.kind, lines[5]!.level], ['95 more suppressed: "invalid message"', 95, 'invalid_frame', 40]);
  assert.equal(clock.pending(), 0, 'no timer left behind');
});

test('a window with nothing suppressed ends without a summary line, and the next window logs again', () => {
  const clock = fakeClock();
  const { logger, lines } = capturedLogger();
  const limiter = new LogLimiter(logger, { now: clock.now, schedule: clock.schedule });
  for (let i = 0; i < 3; i++) limiter.info('refused', {}, 'refused');
  clock.advance(1000);
  assert.equal(lines.length, 3);
  for (let i = 0; i < 7; i++) limiter.info('refused', {}, 'refused');
  clock.advance(1000);
  assert.deepEqual(lines.slice(3).map((l) => l.msg), ['refused', 'refused', 'refused', 'refused', 'refused', '2 more suppressed: "refused"']);
});

test('kinds have separate budgets', () => {
  const clock = fakeClock();
  const { logger, lines } = capturedLogger();
  const limiter = new LogLimiter(logger, { now: clock.now, schedule: clock.schedule, linesPerWindow: 2 });
  for (let i = 0; i < 10; i++) {
    limiter.warn('a', {}, 'a happened');
    limiter.warn('b', {}, 'b happened');
  }
  clock.advance(1000);
  assert.deepEqual(lines.map((l) => l.msg).sort(), ['8 more suppressed: "a happened"', '8 more suppressed: "b happened"', 'a happened', 'a happened', 'b happened', 'b happened'].sort());
});

test('a sustained flood writes at most linesPerWindow + 1 lines per window and per kind', () => {
  const clock = fakeClock();
  const { logger, lines } = capturedLogger();
  const limiter = new LogLimiter(logger, { now: clock.now, schedule: clock.schedule });
  // 10,000 events a second for 10 s.
  for (let ms = 0; ms < 10_000; ms++) {
    for (let i = 0; i < 10; i++) limiter.warn('flood', {}, 'bad');
    clock.advance(1);
  }
  clock.advance(1000);
  assert.ok(lines.length <= 10 * 6, `${lines.length} lines`);
  const logged = lines.filter((l) => l.msg === 'bad').length;
  const suppressed = lines.reduce((n, l) => n + (typeof l.suppressed === 'number' ? l.suppressed : 0), 0);
  assert.equal(logged + suppressed, 100_000, 'every event is either logged or counted in a summary');
});

test('an event after the window, before its timer ran, starts a new window and reports the old one first', () => {
  const clock = fakeClock();
  const { logger, lines } = capturedLogger();
  // A scheduler that never runs its timers: only the clock moves.
  const limiter = new LogLimiter(logger, { now: clock.now, schedule: () => ({ cancel: () => undefined }), linesPerWindow: 1 });
  limiter.warn('k', {}, 'x');
  limiter.warn('k', {}, 'x');
  clock.advance(1500);
  limiter.warn('k', {}, 'x');
  assert.deepEqual(lines.map((l) => l.msg), ['x', '1 more suppressed: "x"', 'x']);
});

test('flush() writes pending summaries now; events below the logger level are neither written nor counted', () => {
  const clock = fakeClock();
  const { logger, lines } = capturedLogger('warn');
  const limiter = new LogLimiter(logger, { now: clock.now, schedule: clock.schedule, linesPerWindow: 1 });
  for (let i = 0; i < 4; i++) limiter.info('quiet', {}, 'info line');
  for (let i = 0; i < 4; i++) limiter.warn('loud', {}, 'warn line');
  limiter.flush();
  assert.deepEqual(lines.map((l) => l.msg), ['warn line', '3 more suppressed: "warn line"']);
  assert.equal(clock.pending(), 0);
});
