// Rate limits log lines about events a client controls (bad frames, refused requests), so that a
// flood of them cannot fill a disk at the server's cost. Each kind of event may write a few lines per
// window; the rest are counted and reported in one "N more suppressed" line when the window ends.
// Metrics still count every event: only the log lines are limited.
import type { Logger } from 'pino';

export type LimitedLevel = 'debug' | 'info' | 'warn';

/** A timer the limiter can cancel; injected so tests move a fake clock instead of waiting. */
export interface LimiterTimer {
  cancel(): void;
}

export interface LogLimiterOptions {
  /** Lines one kind may write per window before the rest are suppressed. Default 5. */
  linesPerWindow?: number;
  /** Default 1000 ms. */
  windowMs?: number;
  /** Milliseconds; default Date.now. */
  now?: () => number;
  /** Runs `fn` after `ms`; default an unref'd setTimeout (a pending summary never keeps the process up). */
  schedule?: (fn: () => void, ms: number) => LimiterTimer;
}

interface KindWindow {
  startedAt: number;
  written: number;
  suppressed: number;
  level: LimitedLevel;
  msg: string;
  timer: LimiterTimer | undefined;
}

function unrefTimeout(fn: () => void, ms: number): LimiterTimer {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}

export class LogLimiter {
  readonly #linesPerWindow: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #schedule: (fn: () => void, ms: number) => LimiterTimer;
  /** Keyed by kind. Kinds are a fixed set chosen by the code (never a client's address or input), so this stays small. */
  readonly #windows = new Map<string, KindWindow>();

  constructor(private readonly logger: Logger, options: LogLimiterOptions = {}) {
    this.#linesPerWindow = options.linesPerWindow ?? 5;
    this.#windowMs = options.windowMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#schedule = options.schedule ?? unrefTimeout;
  }

  warn(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.#log('warn', kind, fields, msg);
  }

  info(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.#log('info', kind, fields, msg);
  }

  debug(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.#log('debug', kind, fields, msg);
  }

  /** Writes the pending "suppressed" lines now (at shutdown, so a count is not lost). */
  flush(): void {
    for (const kind of [...this.#windows.keys()]) this.#endWindow(kind);
  }

  #log(level: LimitedLevel, kind: string, fields: Record<string, unknown>, msg: string): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const now = this.#now();
    let window = this.#windows.get(kind);
    if (window && now - window.startedAt >= this.#windowMs) {
      // The window's timer has not run yet (a late timer, or a fake clock moved past it).
      this.#endWindow(kind);
      window = undefined;
    }
    if (!window) {
      window = { startedAt: now, written: 0, suppressed: 0, level, msg, timer: undefined };
      this.#windows.set(kind, window);
    }
    if (window.written < this.#linesPerWindow) {
      window.written++;
      this.logger[level]({ ...fields, kind }, msg);
      if (window.timer === undefined) {
        const current = window;
        window.timer = this.#schedule(() => {
          if (this.#windows.get(kind) === current) this.#endWindow(kind);
        }, this.#windowMs);
      }
      return;
    }
    window.suppressed++;
    window.level = level;
    window.msg = msg;
  }

  #endWindow(kind: string): void {
    const window = this.#windows.get(kind);
    if (!window) return;
    this.#windows.delete(kind);
    window.timer?.cancel();
    if (window.suppressed > 0) {
      this.logger[window.level]({ kind, suppressed: window.suppressed, windowMs: this.#windowMs },
        `${window.suppressed} more suppressed: "${window.msg}"`);
    }
  }
}
