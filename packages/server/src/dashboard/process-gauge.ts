// The process as the dashboard shows it: CPU share since the last reading, resident memory and the
// event loop's delay (perf_hooks histogram, reset at each reading so it covers the last interval).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessReading {
  /** CPU time (user + system) over wall time since the previous reading, in percent of one core. */
  cpuPercent: number;
  rssBytes: number;
  /** Event-loop delay over the interval: mean and worst, ms. */
  loopDelayMeanMs: number;
  loopDelayMaxMs: number;
}

/** The histogram's timer period: each recorded value is this plus the delay, so it is subtracted. */
const RESOLUTION_MS = 20;

export class ProcessGauge {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  #lastCpu = process.cpuUsage();
  #lastAt = performance.now();

  constructor() {
    this.#histogram.enable();
  }

  read(): ProcessReading {
    const now = performance.now();
    const cpu = process.cpuUsage(this.#lastCpu);
    const wallUs = Math.max(1, (now - this.#lastAt) * 1000);
    this.#lastCpu = process.cpuUsage();
    this.#lastAt = now;
    const h = this.#histogram;
    // The histogram is in ns and includes its own timer period; with no sample it reads NaN/0.
    const reading = {
      cpuPercent: ((cpu.user + cpu.system) / wallUs) * 100,
      rssBytes: process.memoryUsage.rss(),
      loopDelayMeanMs: h.count > 0 && Number.isFinite(h.mean) ? Math.max(0, h.mean / 1e6 - RESOLUTION_MS) : 0,
      loopDelayMaxMs: h.count > 0 ? Math.max(0, h.max / 1e6 - RESOLUTION_MS) : 0,
    };
    h.reset();
    return reading;
  }

  close(): void {
    this.#histogram.disable();
  }
}
