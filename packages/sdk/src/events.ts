// One callback per event, as the stock SDK keeps them (a new `on` replaces the old one).
// A throwing application callback is reported, never allowed to break the SDK's state machine.
import { ERROR_INFO } from '@traverse/protocol/constants';
import { logger } from './logger.ts';

export class Handlers<Args extends unknown[]> {
  readonly #map = new Map<string, (...args: Args) => void>();

  set(event: unknown, callback: unknown): void {
    if (!event) throw new TypeError(ERROR_INFO.EVENT_CANT_BE_NULL);
    if (typeof callback !== 'function') throw new TypeError(ERROR_INFO.CALLBACK_NEEDS_TO_BE_A_VALID_FUNCTION);
    this.#map.set(String(event), callback as (...args: Args) => void);
  }

  fire(event: string, ...args: Args): void {
    const cb = this.#map.get(event);
    if (!cb) return;
    try {
      cb(...args);
    } catch (err) {
      logger.error('application callback for', event, 'threw:', err);
    }
  }

  clear(): void {
    this.#map.clear();
  }
}
