// A Session: one WebSocket to the server, the connection handshake, keep-alive, and the routing of
// server frames to streams (research/wcs-websdk.md §2.1, §3).
import { ERROR_INFO, SESSION_STATUS, STREAM_STATUS, type SessionStatus } from '@traverse/protocol/constants';
import { Handlers } from './events.ts';
import { handedIceServers, withIceServers, type HandedIceServer } from './ice-servers.ts';
import { newId } from './ids.ts';
import { logger } from './logger.ts';
import type { StreamConstraints } from './media.ts';
import { Stream, type StreamOptions } from './stream.ts';
import { Transport, type Frame } from './transport.ts';

export interface SessionOptions {
  urlServer: string;
  appKey?: string;
  custom?: unknown;
  mediaOptions?: Record<string, unknown>;
  timeout?: number;
  pingInterval?: number;
  receiveProbes?: number;
  probesInterval?: number;
  [other: string]: unknown;
}

export interface SessionHost {
  forget(session: Session): void;
  defaultConstraints(): StreamConstraints;
}

export class Session {
  readonly #id = newId();
  #status: SessionStatus = SESSION_STATUS.PENDING;
  readonly #streams = new Map<string, Stream>();
  readonly #handlers = new Handlers<[Session, unknown]>();
  readonly #transport: Transport;
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  readonly #dataRequests = new Map<string, { resolve(v: unknown): void; reject(v: unknown): void }>();
  #lastMessage = Date.now();
  /** ICE servers from the connect reply, used when the page set no mediaOptions.iceServers. */
  #handedIceServers: HandedIceServer[] | undefined;

  constructor(private readonly options: SessionOptions, private readonly host: SessionHost) {
    this.#transport = new Transport(options.urlServer, {
      open: () => this.#opened(),
      frame: (f) => this.#frame(f),
      close: (error) => this.#closed(error),
    });
    if (options.timeout && options.timeout > 0) {
      this.#timers.push(setTimeout(() => {
        if (this.#transport.connecting) this.#transport.close(true);
      }, options.timeout));
    }
  }

  id(): string { return this.#id; }
  status(): SessionStatus { return this.#status; }
  getServerUrl(): string { return this.options.urlServer; }
  getStreams(): Stream[] { return [...this.#streams.values()]; }
  getStream(id: string): Stream | undefined { return this.#streams.get(id); }

  on(event: string, callback: (session: Session, obj: unknown) => void): this {
    this.#handlers.set(event, callback);
    return this;
  }

  #setStatus(status: SessionStatus, obj?: unknown): void {
    this.#status = status;
    this.#handlers.fire(status, this, obj);
  }

  #opened(): void {
    this.#setStatus(SESSION_STATUS.CONNECTED);
    const nav = (globalThis as { navigator?: Navigator }).navigator;
    this.#transport.send('connection', {
      appKey: this.options.appKey ?? 'defaultApp',
      mediaProviders: ['WebRTC'],
      clientVersion: '2.0',
      clientOSVersion: nav?.appVersion ?? '',
      clientBrowserVersion: nav?.userAgent ?? '',
      msePacketizationVersion: 2,
      ...(this.options.custom !== undefined ? { custom: this.options.custom } : {}),
    });
    const ping = this.options.pingInterval ?? 0;
    if (ping > 0) this.#timers.push(setInterval(() => this.#transport.send('ping', null), ping));
    const probes = this.options.receiveProbes ?? 0;
    const every = this.options.probesInterval ?? 0;
    if (probes > 0 && every > 0) {
      this.#timers.push(setInterval(() => {
        if (Date.now() - this.#lastMessage > probes * every) {
          logger.warn(`no message from the server for ${probes * every} ms`);
          this.#transport.close(true);
        }
      }, every));
    }
  }

  #frame(f: Frame): void {
    this.#lastMessage = Date.now();
    const first = f.data[0] as Record<string, unknown> | null | undefined;
    const obj = first && typeof first === 'object' ? first : undefined;
    switch (f.message) {
      case 'getUserData':
        this.#handedIceServers = handedIceServers(obj);
        this.#setStatus(SESSION_STATUS.ESTABLISHED, obj ?? {});
        return;
      case 'updateIceServers':
        // Fresh TURN credentials before the connect reply's expire: streams created from now on use them.
        this.#handedIceServers = handedIceServers(obj) ?? this.#handedIceServers;
        return;
      case 'ping':
        this.#transport.send('pong', null);
        return;
      case 'setRemoteSDP': {
        const stream = typeof f.data[0] === 'string' ? this.#streams.get(f.data[0]) : undefined;
        if (stream && typeof f.data[1] === 'string') void stream.applyAnswer(f.data[1]);
        return;
      }
      case 'notifyStreamStatusEvent':
      case 'notifyVideoFormat': {
        const id = obj?.mediaSessionId;
        if (typeof id === 'string') this.#streams.get(id)?.applyStatus(obj!);
        return;
      }
      case 'notifyStreamEvent': {
        const id = obj?.mediaSessionId;
        if (typeof id === 'string') this.#streams.get(id)?.applyStreamEvent(obj!);
        return;
      }
      case 'availableStream': {
        const id = obj?.id;
        if (typeof id === 'string') this.#streams.get(id)?.applyAvailability(obj!.status === 'true', typeof obj!.info === 'string' ? obj!.info : undefined);
        return;
      }
      case 'DataStatusEvent': {
        const op = typeof obj?.operationId === 'string' ? this.#dataRequests.get(obj.operationId) : undefined;
        if (!op) return;
        this.#dataRequests.delete(obj!.operationId as string);
        (obj!.status === 'ACCEPTED' ? op.resolve : op.reject)(obj);
        this.#handlers.fire(SESSION_STATUS.SEND_DATA_STATUS, this, obj);
        return;
      }
      case 'OnDataEvent':
        this.#handlers.fire(SESSION_STATUS.APP_DATA, this, obj);
        return;
      case 'fail':
        if (obj?.apiMethod === 'StreamStatusEvent' && typeof obj.id === 'string') {
          this.#streams.get(obj.id)?.applyStatus({ ...obj, status: typeof obj.status === 'string' ? obj.status : STREAM_STATUS.FAILED });
        }
        this.#handlers.fire(SESSION_STATUS.WARN, this, obj);
        return;
      default:
        logger.debug('ignored server message', f.message);
    }
  }

  #closed(error: boolean): void {
    for (const t of this.#timers.splice(0)) clearInterval(t);
    const wasUp = this.#status !== SESSION_STATUS.DISCONNECTED && this.#status !== SESSION_STATUS.FAILED;
    for (const s of [...this.#streams.values()]) s.sessionEnded();
    this.#streams.clear();
    for (const op of this.#dataRequests.values()) op.reject({ status: 'FAILED', info: 'session closed' });
    this.#dataRequests.clear();
    this.host.forget(this);
    if (wasUp) this.#setStatus(error ? SESSION_STATUS.FAILED : SESSION_STATUS.DISCONNECTED);
  }

  createStream(options: StreamOptions): Stream {
    if (this.#status !== SESSION_STATUS.ESTABLISHED) throw new Error(`${ERROR_INFO.INVALID_SESSION_STATE} ${this.#status}`);
    if (!options) throw new TypeError(ERROR_INFO.OPTIONS_MUST_BE_PROVIDED);
    if (!options.name) throw new TypeError(ERROR_INFO.OPTIONS_NAME_MUST_BE_PROVIDED);
    const stream = new Stream({
      send: (message, payload) => this.#transport.send(message, payload),
      mediaOptions: () => withIceServers(this.options.mediaOptions, this.#handedIceServers),
      defaultConstraints: () => this.host.defaultConstraints(),
      forget: (s) => this.#streams.delete(s.id()),
    }, options);
    this.#streams.set(stream.id(), stream);
    return stream;
  }

  /** Sends application data to the server; resolves on ACCEPTED. */
  sendData(payload: unknown): Promise<unknown> {
    const operationId = newId();
    return new Promise((resolve, reject) => {
      this.#dataRequests.set(operationId, { resolve, reject });
      this.#transport.send('sendData', { operationId, payload });
    });
  }

  disconnect(): void {
    this.#transport.close();
  }
}
