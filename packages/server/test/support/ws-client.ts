// A signaling client speaking the WCS protocol as the stock SDK does, for tests.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface Frame {
  message: string;
  data: unknown[];
}

export class WsClient {
  readonly frames: Frame[] = [];
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly ws: WebSocket, private readonly answerPings: boolean) {
    ws.on('message', (d) => {
      const frame = JSON.parse(d.toString()) as Frame;
      if (frame.message === 'ping' && answerPings) this.send('pong', null);
      this.frames.push(frame);
      for (const w of this.#waiters.splice(0)) w();
    });
    ws.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /**
   * @param options.answerPings false: answer neither the server's `ping` messages with `pong` nor its
   *   WebSocket ping frames (a client whose page hangs); 'message' answers only the `ping` messages,
   *   'frame' only the ping frames
   */
  static async connect(url: string, options: { answerPings?: boolean | 'message' | 'frame' } = {}): Promise<WsClient> {
    const answer = options.answerPings ?? true;
    const ws = new WebSocket(url, { autoPong: answer === true || answer === 'frame' });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WsClient(ws, answer === true || answer === 'message');
  }

  /** Connects and completes the connection → getUserData handshake. */
  static async establish(url: string): Promise<WsClient> {
    const c = await WsClient.connect(url);
    c.send('connection', { appKey: 'defaultApp', mediaProviders: ['WebRTC'], clientVersion: '2.0', custom: { test: true } });
    await c.next((f) => f.message === 'getUserData');
    return c;
  }

  send(message: string, payload: unknown): void {
    this.ws.send(JSON.stringify({ message, data: [payload] }));
  }

  raw(text: string): void {
    this.ws.send(text);
  }

  /** The first not yet taken frame matching `pred`. */
  async next(pred: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw new Error(`no matching frame within ${timeoutMs} ms; have: ${JSON.stringify(this.frames.map((f) => f.message))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The next stream status for `mediaSessionId`. */
  async status(mediaSessionId: string, timeoutMs = 15_000): Promise<{ status: string; info: string; [k: string]: unknown }> {
    const f = await this.next((x) => x.message === 'notifyStreamStatusEvent' && (x.data[0] as { mediaSessionId: string }).mediaSessionId === mediaSessionId, timeoutMs);
    return f.data[0] as { status: string; info: string };
  }

  async answer(mediaSessionId: string, timeoutMs = 15_000): Promise<string> {
    const f = await this.next((x) => x.message === 'setRemoteSDP' && x.data[0] === mediaSessionId, timeoutMs);
    return f.data[1] as string;
  }

  close(): void {
    this.ws.close();
  }
}

export function newId(): string {
  return randomUUID();
}

export function publishPayload(id: string, name: string, sdp: string) {
  return { mediaSessionId: id, name, published: true, hasVideo: true, hasAudio: true, status: 'PENDING', record: false, mediaProvider: 'WebRTC', sdp, transport: 'UDP' };
}

export function playPayload(id: string, name: string, sdp: string) {
  return { mediaSessionId: id, name, published: false, hasVideo: true, hasAudio: true, status: 'PENDING', record: false, mediaProvider: 'WebRTC', sdp, width: 0, height: 0 };
}
