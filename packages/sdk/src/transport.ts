// The only module that touches WebSocket: JSON frames {"message", "data": [...]} both ways.
import { logger } from './logger.ts';

export interface Frame {
  message: string;
  data: unknown[];
}

export interface TransportEvents {
  open(): void;
  frame(frame: Frame): void;
  /** `error` is true when the socket failed rather than closed normally. */
  close(error: boolean): void;
}

export class Transport {
  readonly #ws: WebSocket;
  #errored = false;
  #ended = false;

  constructor(url: string, private readonly events: TransportEvents) {
    const WS = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
    if (!WS) throw new Error('WebSocket is not available');
    this.#ws = new WS(url);
    this.#ws.onopen = () => this.events.open();
    this.#ws.onerror = () => {
      this.#errored = true;
      this.#end();
    };
    this.#ws.onclose = () => this.#end();
    this.#ws.onmessage = (e: MessageEvent) => {
      if (typeof e.data !== 'string') return; // Binary frames are not part of the protocol.
      let frame: unknown;
      try {
        frame = JSON.parse(e.data);
      } catch {
        logger.warn('ignored a frame that is not JSON');
        return;
      }
      const f = frame as Partial<Frame> | null;
      if (!f || typeof f.message !== 'string' || !Array.isArray(f.data)) {
        logger.warn('ignored a malformed frame', e.data.slice(0, 200));
        return;
      }
      this.events.frame(f as Frame);
    };
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.events.close(this.#errored);
  }

  get connecting(): boolean {
    return this.#ws.readyState === 0;
  }

  send(message: string, payload: unknown): void {
    if (this.#ws.readyState !== 1) return;
    this.#ws.send(JSON.stringify({ message, data: [payload === undefined ? null : payload] }));
  }

  /** Closes the socket; `failed` makes it end as an error (timeouts, missed probes). */
  close(failed = false): void {
    if (failed) this.#errored = true;
    try {
      this.#ws.close();
    } catch {
      // Already closing.
    }
    if (failed) this.#end();
  }
}
