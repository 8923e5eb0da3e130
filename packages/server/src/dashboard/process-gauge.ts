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

export class ProcessGauge {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
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
    // The histogram is in ns and counts the sampling resolution itself; with no sample it reads NaN/0.
    const reading = {
      cpuPercent: ((cpu.user + cpu.system) / wallUs) * 100,
      rssBytes: process.memoryUsage.rss(),
      loopDelayMeanMs: h.count > 0 && Number.isFinite(h.mean) ? h.mean / 1e6 : 0,
      loopDelayMaxMs: h.count > 0 ? h.max / 1e6 : 0,
    };
    h.reset();
    return reading;
  }

  close(): void {
    this.#histogram.disable();
  }
}
