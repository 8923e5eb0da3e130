// Warn lines a client can cause (a refused peer, a failed authentication) pass at a few per second
// per kind; the rest are counted, and the next line that passes says how many were left out. The
// metrics count every event, so nothing is lost but the repetition.

export interface LogGate {
  /** Calls `write(suppressed)` when a line of this kind may be written now, with the count skipped since. */
  pass(kind: string, write: (suppressed: number) => void): void;
}

export function createLogGate(linesPerSecond: number, now: () => number = Date.now): LogGate {
  const windows = new Map<string, { start: number; lines: number; suppressed: number }>();
  return {
    pass(kind, write) {
      const t = now();
      let w = windows.get(kind);
      if (!w || t - w.start >= 1000) {
        w = { start: t, lines: 0, suppressed: w?.suppressed ?? 0 };
        windows.set(kind, w);
      }
      if (w.lines >= linesPerSecond) {
        w.suppressed++;
        return;
      }
      w.lines++;
      const suppressed = w.suppressed;
      w.suppressed = 0;
      write(suppressed);
    },
  };
}
