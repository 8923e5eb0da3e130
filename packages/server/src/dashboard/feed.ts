// Samples once a second, always (so a page opened now gets the last ten minutes of charts), and
// hands each sample to the open dashboard connections. The timer is unref'd and stops on close().
import type { DashboardUpdate } from './sample.ts';
import type { DashboardSampler } from './sampler.ts';

export type UpdateListener = (update: DashboardUpdate) => void;

export class DashboardFeed {
  readonly #listeners = new Set<UpdateListener>();
  readonly #timer: NodeJS.Timeout;

  constructor(readonly sampler: DashboardSampler, intervalMs = 1000, private readonly onListenerError: (err: unknown) => void = () => undefined) {
    sampler.sample();
    this.#timer = setInterval(() => this.tick(), intervalMs);
    this.#timer.unref();
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Adds a listener; returns its removal. */
  subscribe(listener: UpdateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  tick(): void {
    const update = this.sampler.sample();
    for (const listener of this.#listeners) {
      try {
        listener(update);
      } catch (err) {
        // One broken connection must not stop the others' updates.
        this.onListenerError(err);
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#listeners.clear();
  }
}
