// One signaling connection: the Flashphoner WCS protocol over a WebSocket (research/wcs-websdk.md §3).
// Every frame is validated; a bad one gets a clear FAILED/fail answer and the connection carries on.
import { randomUUID } from 'node:crypto';
import {
  CLIENT_MESSAGE, STREAM_STATUS, STREAM_STATUS_INFO, connectReplyIce, parseClientMessage, serverMessage,
  type ClientMessage, type ConnectReplyIce, type ServerFrame, type StreamStatus, type TurnCredentials,
} from '@traverse/protocol';
import type { Logger } from 'pino';
import type { LogLimiter } from '../observability/log-limiter.ts';
import { reasonOfParseError, type InvalidReason } from './invalid-reason.ts';
import type { MediaService, SignalingCounters } from './types.ts';

export interface ConnectionOptions {
  id: string;
  nodeId: string;
  remote: string;
  /** The Host header of the WebSocket upgrade: the name the client reached this server by. */
  host: string | undefined;
  media: MediaService;
  /** Mints TURN credentials for a host; absent when the embedded TURN is off. */
  turnCredentials?: ((host: string | undefined) => TurnCredentials) | undefined;
  logger: Logger;
  /** Lines about what a client controls (bad frames, refusals) go through it: a flood writes a few lines, not one per frame. */
  limitedLog: LogLimiter;
  maxStreams: number;
  counters: SignalingCounters;
  send(frame: ServerFrame): void;
}

interface OwnedStream {
  name: string;
  published: boolean;
  hasAudio: boolean;
  hasVideo: boolean;
}

export class SignalingConnection {
  #established = false;
  #appKey = 'defaultApp';
  readonly #streams = new Map<string, OwnedStream>();
  readonly #log: Logger;
  #closed = false;
  /** Sends fresh TURN credentials before the handed ones expire (a page may stay connected for days). */
  #iceRefresh: NodeJS.Timeout | undefined;

  constructor(private readonly o: ConnectionOptions) {
    this.#log = o.logger.child({ connection: o.id });
  }

  get id(): string {
    return this.o.id;
  }

  handleFrame(frame: string): void {
    if (this.#closed) return;
    // Nothing a client sends may throw out of here: this runs in the socket's event handler.
    try {
      const parsed = parseClientMessage(frame);
      if (!parsed.ok) {
        this.#invalid(reasonOfParseError(parsed.error), { error: parsed.error, message: parsed.message });
        this.#reject(parsed.message, parsed.mediaSessionId, parsed.error);
        return;
      }
      if (!parsed.known) {
        this.o.counters.invalid.unknown_message++;
        this.#log.debug({ message: parsed.message }, 'unknown message ignored');
        return;
      }
      this.#dispatch(parsed.value);
    } catch (err) {
      this.#log.error({ err }, 'message handler failed');
    }
  }

  /** A binary frame: the protocol is JSON text only (research/wcs-websdk.md §3.1), so it is refused. */
  handleBinaryFrame(): void {
    if (this.#closed) return;
    this.#invalid('binary', {});
    this.o.send(serverMessage.fail({ apiMethod: 'unknown', info: 'binary frames are not part of the protocol: send JSON text frames' }));
  }

  /** Counts a refused frame by reason; its log lines share one rate limit whatever the reason. */
  #invalid(reason: InvalidReason, fields: Record<string, unknown>): void {
    this.o.counters.invalid[reason]++;
    this.o.limitedLog.warn('invalid message', { ...fields, reason, remote: this.o.remote, connection: this.o.id }, 'invalid message');
  }

  /** Refuses a publish or play before it reaches the media layer (logged per attempt, rate-limited). */
  #refuse(mediaSessionId: string, owned: OwnedStream, info: string): void {
    this.o.limitedLog.info(owned.published ? 'publish refused' : 'play refused',
      { remote: this.o.remote, connection: this.o.id, stream: owned.name, mediaSessionId, info }, owned.published ? 'publish refused' : 'play refused');
    this.#status(mediaSessionId, owned, STREAM_STATUS.FAILED, info);
  }

  /** Answers an invalid message: a FAILED status when it named a stream, a `fail` frame otherwise. */
  #reject(message: string | undefined, mediaSessionId: string | undefined, error: string): void {
    const streamOp = message === CLIENT_MESSAGE.PUBLISH_STREAM || message === CLIENT_MESSAGE.PLAY_STREAM;
    if (mediaSessionId && streamOp) {
      this.#status(mediaSessionId, { name: '', published: message === CLIENT_MESSAGE.PUBLISH_STREAM, hasAudio: false, hasVideo: false }, STREAM_STATUS.FAILED, `${STREAM_STATUS_INFO.FAILED_BY_ERROR}: ${error}`);
    } else {
      this.o.send(serverMessage.fail({ apiMethod: message ?? 'unknown', ...(mediaSessionId ? { id: mediaSessionId, status: STREAM_STATUS.FAILED } : {}), info: error }));
    }
  }

  #dispatch(msg: ClientMessage): void {
    switch (msg.message) {
      case CLIENT_MESSAGE.CONNECTION: {
        this.#appKey = msg.payload.appKey ?? 'defaultApp';
        this.#established = true;
        // The ICE fields are the server's to set: a client's own are not echoed back as if they were.
        const { iceServers: _ownServers, iceServersTtl: _ownTtl, ...echoed } = msg.payload;
        const handed = this.#handedIce();
        this.o.send(serverMessage.getUserData({
          ...echoed,
          ...handed,
          appKey: this.#appKey,
          sessionId: this.o.id,
          nodeId: this.o.nodeId,
          authToken: randomUUID(),
          mediaProviders: ['WebRTC'],
          clientVersion: msg.payload.clientVersion ?? '2.0',
        }));
        this.#refreshIceBefore(handed?.iceServersTtl);
        this.#log.info({ remote: this.o.remote, appKey: this.#appKey }, 'session established');
        return;
      }
      case CLIENT_MESSAGE.PUBLISH_STREAM:
      case CLIENT_MESSAGE.PLAY_STREAM:
        this.#start(msg.message === CLIENT_MESSAGE.PUBLISH_STREAM, msg.payload);
        return;
      case CLIENT_MESSAGE.UNPUBLISH_STREAM:
      case CLIENT_MESSAGE.STOP_STREAM: {
        const published = msg.message === CLIENT_MESSAGE.UNPUBLISH_STREAM;
        const final = published ? STREAM_STATUS.UNPUBLISHED : STREAM_STATUS.STOPPED;
        const id = msg.payload.mediaSessionId;
        if (!this.o.media.stop(id, final, STREAM_STATUS_INFO.STOPPED_BY_USER, this.o.id)) {
          // Nothing live under that id (it already ended): still confirm, so the page's stream ends.
          const known = this.#streams.get(id);
          this.#status(id, known ?? { name: msg.payload.name ?? '', published, hasAudio: false, hasVideo: false }, final, STREAM_STATUS_INFO.STOPPED_BY_USER);
        }
        return;
      }
      case CLIENT_MESSAGE.AVAILABLE_STREAM: {
        const available = this.o.media.isPublished(msg.payload.name);
        this.o.send(serverMessage.availableStream({
          id: msg.payload.mediaSessionId ?? '',
          status: available ? 'true' : 'false',
          info: available ? 'Available' : STREAM_STATUS_INFO.STREAM_NOT_FOUND,
        }));
        return;
      }
      case CLIENT_MESSAGE.SEND_DATA:
        this.o.send(serverMessage.dataStatus({ operationId: msg.payload.operationId, status: 'ACCEPTED' }));
        return;
      case CLIENT_MESSAGE.SEND_STREAM_EVENT: {
        const session = this.o.media.session(msg.payload.mediaSessionId);
        if (!session || session.kind !== 'publish' || session.request.ownerId !== this.o.id) {
          this.o.send(serverMessage.fail({ apiMethod: 'sendStreamEvent', id: msg.payload.mediaSessionId, info: 'no published stream with this mediaSessionId on this connection' }));
          return;
        }
        this.o.media.forwardStreamEvent(msg.payload.mediaSessionId, msg.payload.type, msg.payload.payload);
        return;
      }
      case CLIENT_MESSAGE.PING:
        this.o.send({ message: 'pong', data: [null] });
        return;
      case CLIENT_MESSAGE.PONG:
        return;
    }
  }

  /** Fresh TURN credentials for this connection, for pages that set no ICE servers (docs/sdk.md). */
  #handedIce(): ConnectReplyIce | undefined {
    if (!this.o.turnCredentials) return undefined;
    const handed = connectReplyIce(this.o.turnCredentials(this.o.host));
    if (handed.ok) return handed.value;
    this.o.limitedLog.warn('no ICE servers handed', { error: handed.error }, 'the embedded TURN credentials cannot go in the connect reply');
    return undefined;
  }

  /**
   * Re-sends ICE servers with new credentials at 80 % of the handed ones' lifetime, in an
   * `updateIceServers` frame (our SDK uses them for the streams it creates next; the stock SDK logs
   * an unknown message and carries on).
   */
  #refreshIceBefore(ttlSeconds: number | undefined): void {
    clearTimeout(this.#iceRefresh);
    if (ttlSeconds === undefined || this.#closed) return;
    this.#iceRefresh = setTimeout(() => {
      if (this.#closed) return;
      const handed = this.#handedIce();
      if (!handed) return;
      this.o.send(serverMessage.updateIceServers(handed));
      this.#refreshIceBefore(handed.iceServersTtl);
    }, ttlSeconds * 800);
    this.#iceRefresh.unref();
  }

  #start(published: boolean, p: { mediaSessionId: string; name: string; sdp: string; hasAudio?: boolean | undefined; hasVideo?: boolean | undefined; transport?: string | undefined; custom?: unknown }): void {
    const owned: OwnedStream = { name: p.name, published, hasAudio: p.hasAudio ?? true, hasVideo: p.hasVideo ?? true };
    if (!this.#established) {
      this.#refuse(p.mediaSessionId, owned, STREAM_STATUS_INFO.SESSION_NOT_READY);
      return;
    }
    if (this.#streams.size >= this.o.maxStreams) {
      this.#refuse(p.mediaSessionId, owned, `${STREAM_STATUS_INFO.FAILED_BY_ERROR}: more than ${this.o.maxStreams} streams on one connection`);
      return;
    }
    if (this.#streams.has(p.mediaSessionId)) {
      this.#refuse(p.mediaSessionId, owned, STREAM_STATUS_INFO.MEDIASESSION_ID_ALREADY_IN_USE);
      return;
    }
    this.#streams.set(p.mediaSessionId, owned);
    // Set once the media layer has sent this session's final status: nothing else goes out after it.
    let ended = false;
    const request = {
      mediaSessionId: p.mediaSessionId,
      name: p.name,
      sdp: p.sdp,
      ownerId: this.o.id,
      appKey: this.#appKey,
      ...(p.transport ? { transport: p.transport } : {}),
      custom: p.custom,
      onStatus: (status: StreamStatus, info: string) => {
        if (ended) return;
        if (status !== STREAM_STATUS.PUBLISHING && status !== STREAM_STATUS.PLAYING) {
          ended = true;
          this.#streams.delete(p.mediaSessionId);
        }
        this.#status(p.mediaSessionId, owned, status, info);
      },
      onStreamEvent: (type: string, payload: unknown) => {
        this.o.send(serverMessage.streamEvent({ mediaSessionId: p.mediaSessionId, type, ...(payload !== undefined ? { payload } : {}) }));
      },
    };
    const started = published ? this.o.media.publish(request) : this.o.media.play(request);
    started.then(
      (answer) => {
        // A session stopped while its answer was prepared has had its final status: no SDP after it.
        if (!this.#closed && !ended) this.o.send(serverMessage.setRemoteSDP(p.mediaSessionId, answer));
      },
      (err: unknown) => {
        const info = typeof (err as { info?: unknown }).info === 'string' ? (err as { info: string }).info : STREAM_STATUS_INFO.FAILED_BY_ERROR;
        const what = published ? 'publish refused' : 'play refused';
        this.o.limitedLog.info(what, { remote: this.o.remote, connection: this.o.id, stream: p.name, mediaSessionId: p.mediaSessionId, info, detail: (err as Error).message }, what);
        if (ended) return; // the media layer already sent the final status
        ended = true;
        this.#streams.delete(p.mediaSessionId);
        this.#status(p.mediaSessionId, owned, STREAM_STATUS.FAILED, info);
      },
    );
  }

  #status(mediaSessionId: string, s: OwnedStream, status: StreamStatus, info: string): void {
    this.o.send(serverMessage.streamStatus({
      mediaSessionId,
      name: s.name,
      published: s.published,
      hasVideo: s.hasVideo,
      hasAudio: s.hasAudio,
      status,
      info,
      sessionId: this.o.id,
      appKey: this.#appKey,
      mediaProvider: 'WebRTC',
    }));
  }

  /** The socket closed: every stream of this connection ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#iceRefresh);
    this.o.media.stopOwner(this.o.id);
    // A socket that never completed the `connection` handshake was no session: at debug, so that
    // connections opened only to send garbage add no info line each.
    if (this.#established) this.#log.info({ remote: this.o.remote }, 'session closed');
    else this.#log.debug({ remote: this.o.remote }, 'socket closed before the connection handshake');
  }
}
