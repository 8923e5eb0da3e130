// MediaServer: streams by name, their publishers and players. It knows nothing of WebSockets: callers
// hand it requests with a status callback, and it answers with SDP or a MediaError.
import type { Socket } from 'node:net';
import type { RTCRtpCodecParameters, RtpPacket } from 'werift';
import { STREAM_STATUS, STREAM_STATUS_INFO, type StreamStatus } from '@traverse/protocol/constants';
import type { Logger } from 'pino';
import { LogLimiter } from '../observability/log-limiter.ts';
import { codecName } from './codecs.ts';
import { Player } from './player.ts';
import { Publisher } from './publisher.ts';
import type { MediaNetworkOptions } from './peer-factory.ts';
import type { SessionTimeouts } from './session.ts';
import { Stream, type RelaySink, type StreamSource } from './stream.ts';
import { MediaError, type MediaStats, type PlayerObservation, type SessionInfo, type SessionRequest, type StreamObservation } from './types.ts';

export interface MediaServerOptions {
  network: MediaNetworkOptions;
  timeouts: SessionTimeouts;
  /** Key-frame requests to one publisher are at least this far apart. */
  keyFrameIntervalMs: number;
  /** A joining player starts from the latest key frame when it is at most this old (default 300 ms). */
  keyFrameReplayMs?: number;
  logger: Logger;
}

export interface TerminateFilter {
  mediaSessionId?: string;
  mediaSessionIds?: string[];
  name?: string;
  published?: boolean;
  status?: string;
}

/** What a relayed stream is, as its origin describes it (MediaServer.relayOut → relayIn elsewhere). */
export interface RelayedStreamInfo {
  videoCodec: RTCRtpCodecParameters | undefined;
  hasAudio: boolean;
}

/** The receiving end of a relay: packets in, and the end of the stream. */
export interface RelayInlet {
  forward(kind: 'audio' | 'video', rtp: RtpPacket): void;
  /** Ends the relayed stream here: its players get FAILED with this info. Idempotent. */
  end(info: string): void;
}

/** The sending end of a relay, at the stream's origin. */
export interface RelayOutlet extends RelayedStreamInfo {
  /** A key-frame request from the far side's players (coalesced with the local players'). */
  requestKeyFrame(): void;
  /** Video sequence numbers the far side lost: resent from this stream's cache to the sink. */
  nack(lost: readonly number[]): void;
  /** Stops relaying (the far side has no players left). Idempotent. */
  close(): void;
}

export class MediaServer {
  readonly #streams = new Map<string, Stream>();
  readonly #sessions = new Map<string, Publisher | Player>();
  readonly stats: MediaStats = { rtpPacketsIn: 0, rtpBytesIn: 0, rtpPacketsOut: 0, rtpBytesOut: 0, keyFrameRequests: 0, nacksReceived: 0 };
  readonly #log: Logger;
  readonly #limitedLog: LogLimiter;

  constructor(private readonly options: MediaServerOptions) {
    this.#log = options.logger.child({ component: 'media' });
    // A client can repeat a refused offer at will: a few lines per second, the rest counted.
    this.#limitedLog = new LogLimiter(this.#log);
  }

  #checkId(id: string): void {
    if (this.#sessions.has(id)) throw new MediaError(STREAM_STATUS_INFO.MEDIASESSION_ID_ALREADY_IN_USE);
  }

  /**
   * Takes a TCP connection for ICE-TCP whose first bytes (`head`) were already read elsewhere (the
   * public port). It belongs to the session whose ufrag its first check names; otherwise it is closed.
   */
  acceptIceTcp(socket: Socket, head: Buffer): void {
    const acceptor = this.options.network.shared?.tcp?.acceptor;
    if (acceptor) acceptor.accept(socket, head);
    else socket.destroy();
  }

  /** Starts publishing; resolves with the SDP answer. The final status arrives through onStatus. */
  async publish(request: SessionRequest): Promise<string> {
    this.#checkId(request.mediaSessionId);
    if (this.#streams.has(request.name)) throw new MediaError(STREAM_STATUS_INFO.STREAM_NAME_ALREADY_IN_USE);
    let stream: Stream | undefined;
    const publisher = this.#refusingLoudly(request, () => Publisher.create(request, this.options.network, this.options.timeouts, {
      onRtp: (kind, rtp) => stream?.forward(kind, rtp),
      onConnected: () => this.#log.info({ stream: request.name, mediaSessionId: request.mediaSessionId, remote: publisher.remoteAddress() }, 'publishing'),
      onClosed: () => {
        this.#sessions.delete(request.mediaSessionId);
        if (stream && this.#streams.get(request.name) === stream) this.#streams.delete(request.name);
        stream?.close();
        const info = this.#endInfo.get(publisher) ?? STREAM_STATUS_INFO.STOPPED_BY_PUBLISHER_STOP;
        for (const player of [...(stream?.players ?? [])]) player.end(STREAM_STATUS.FAILED, info);
        for (const relay of [...(stream?.relays ?? [])]) relay.end(info);
        this.#log.info({ stream: request.name, mediaSessionId: request.mediaSessionId, status: publisher.status }, 'publisher ended');
      },
    }));
    stream = new Stream(request.name, publisher, this.stats, this.options.keyFrameIntervalMs, this.options.keyFrameReplayMs);
    this.#sessions.set(request.mediaSessionId, publisher);
    this.#streams.set(request.name, stream);
    try {
      return await publisher.start();
    } catch (err) {
      publisher.end(STREAM_STATUS.FAILED, STREAM_STATUS_INFO.FAILED_BY_ERROR);
      throw err instanceof MediaError ? err : new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, (err as Error).message);
    }
  }

  /** Starts playing a published stream; resolves with the SDP answer. */
  async play(request: SessionRequest): Promise<string> {
    this.#checkId(request.mediaSessionId);
    const stream = this.#streams.get(request.name);
    if (!stream) throw new MediaError(STREAM_STATUS_INFO.STREAM_NOT_FOUND);
    const stats = this.stats;
    const player: Player = this.#refusingLoudly(request, () => Player.create(request, this.options.network, this.options.timeouts,
      { videoCodec: stream.publisher.videoCodec, hasAudio: stream.publisher.hasAudio }, {
        onConnected: () => {
          stream.startPlayer(player);
          this.#log.info({ stream: request.name, mediaSessionId: request.mediaSessionId, remote: player.remoteAddress() }, 'playing');
        },
        onClosed: () => {
          this.#sessions.delete(request.mediaSessionId);
          stream.players.delete(player);
          this.#log.info({ stream: request.name, mediaSessionId: request.mediaSessionId, status: player.status }, 'player ended');
        },
        onKeyFrameRequest: () => stream.requestKeyFrame(),
        onNack: (lost) => {
          stats.nacksReceived++;
          stream.retransmit(player, lost);
        },
        onSent: (bytes) => {
          stats.rtpPacketsOut++;
          stats.rtpBytesOut += bytes;
        },
      }));
    this.#sessions.set(request.mediaSessionId, player);
    stream.players.add(player);
    // Asked now, the key frame is on its way while ICE and DTLS come up, and the player starts from it.
    stream.requestKeyFrame();
    try {
      return await player.start();
    } catch (err) {
      player.end(STREAM_STATUS.FAILED, STREAM_STATUS_INFO.FAILED_BY_ERROR);
      throw err instanceof MediaError ? err : new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, (err as Error).message);
    }
  }

  /**
   * Opens a stream whose media comes from elsewhere (another worker, or the stream's origin node):
   * local players play it by name like any other. Throws MediaError when the name is live here.
   */
  relayIn(name: string, origin: RelayedStreamInfo & { id: string; requestKeyFrame(): boolean }): RelayInlet {
    if (this.#streams.has(name)) throw new MediaError(STREAM_STATUS_INFO.STREAM_NAME_ALREADY_IN_USE);
    const source: StreamSource = {
      id: origin.id, videoCodec: origin.videoCodec, hasAudio: origin.hasAudio,
      status: STREAM_STATUS.PUBLISHING, connectedAt: Date.now(),
      requestKeyFrame: () => origin.requestKeyFrame(),
    };
    const stream = new Stream(name, source, this.stats, this.options.keyFrameIntervalMs, this.options.keyFrameReplayMs);
    this.#streams.set(name, stream);
    this.#log.info({ stream: name, origin: origin.id }, 'relayed stream opened');
    let ended = false;
    return {
      forward: (kind, rtp) => {
        if (!ended) stream.forward(kind, rtp);
      },
      end: (info) => {
        if (ended) return;
        ended = true;
        if (this.#streams.get(name) === stream) this.#streams.delete(name);
        stream.close();
        for (const player of [...stream.players]) player.end(STREAM_STATUS.FAILED, info);
        for (const relay of [...stream.relays]) relay.end(info);
        this.#log.info({ stream: name, origin: origin.id, info }, 'relayed stream ended');
      },
    };
  }

  /**
   * Carries a live stream's media to a sink (another worker or node); undefined when no stream of
   * that name is live here. The sink's end() is called when the stream ends.
   */
  relayOut(name: string, sink: RelaySink): RelayOutlet | undefined {
    const stream = this.#streams.get(name);
    if (!stream) return undefined;
    stream.relays.add(sink);
    stream.requestKeyFrame();
    return {
      videoCodec: stream.publisher.videoCodec,
      hasAudio: stream.publisher.hasAudio,
      requestKeyFrame: () => stream.requestKeyFrame(),
      nack: (lost) => stream.retransmit(sink, lost),
      close: () => {
        stream.relays.delete(sink);
      },
    };
  }

  /** Whether a stream of this name (published here or relayed in) is open in this process. */
  hasStream(name: string): boolean {
    return this.#streams.has(name);
  }

  /** The relayed-in and local streams' players, by stream name (a relay closes when its count drops to 0). */
  playerCount(name: string): number {
    return this.#streams.get(name)?.players.size ?? 0;
  }

  /**
   * Runs a session factory; a refusal for codecs is logged at warn, since it means a browser this
   * server cannot serve (the operator's business), unlike a name in use or a stream not found.
   */
  #refusingLoudly<T>(request: SessionRequest, create: () => T): T {
    try {
      return create();
    } catch (err) {
      if (err instanceof MediaError && err.info.startsWith(STREAM_STATUS_INFO.NO_COMMON_CODECS)) {
        this.#limitedLog.warn('no common codecs', { stream: request.name, mediaSessionId: request.mediaSessionId, info: err.info }, 'no common codecs');
      }
      throw err;
    }
  }

  /** Info strings for players when their publisher ends for a reason other than its own stop. */
  readonly #endInfo = new WeakMap<Publisher, string>();

  /** Ends one session with a final status; false when there is no such session. */
  stop(mediaSessionId: string, status: StreamStatus, info: string, ownerId?: string): boolean {
    const session = this.#sessions.get(mediaSessionId);
    if (!session || (ownerId !== undefined && session.request.ownerId !== ownerId)) return false;
    session.end(status, info);
    return true;
  }

  /** Ends every session of an owner (its socket closed). */
  stopOwner(ownerId: string): void {
    for (const s of [...this.#sessions.values()]) {
      if (s.request.ownerId === ownerId) s.end(s.kind === 'publish' ? STREAM_STATUS.UNPUBLISHED : STREAM_STATUS.STOPPED, STREAM_STATUS_INFO.STOPPED_BY_SESSION_DISCONNECT);
    }
  }

  find(filter: TerminateFilter): SessionInfo[] {
    return this.#match(filter).map((s) => s.info());
  }

  /** REST /terminate: ends matching sessions; their players hear "Stopped by rest /terminate". */
  terminate(filter: TerminateFilter): number {
    const matched = this.#match(filter);
    for (const s of matched) {
      if (s.kind === 'publish') {
        this.#endInfo.set(s, STREAM_STATUS_INFO.STOPPED_BY_REST_TERMINATE);
        s.end(STREAM_STATUS.UNPUBLISHED, STREAM_STATUS_INFO.STOPPED_BY_REST_TERMINATE);
      } else {
        s.end(STREAM_STATUS.FAILED, STREAM_STATUS_INFO.STOPPED_BY_REST_TERMINATE);
      }
    }
    return matched.length;
  }

  #match(filter: TerminateFilter): (Publisher | Player)[] {
    const ids = filter.mediaSessionIds ?? (filter.mediaSessionId ? [filter.mediaSessionId] : undefined);
    return [...this.#sessions.values()].filter((s) =>
      (!ids || ids.includes(s.id)) &&
      (filter.name === undefined || s.name === filter.name) &&
      (filter.published === undefined || (s.kind === 'publish') === filter.published) &&
      (filter.status === undefined || s.status === filter.status));
  }

  session(mediaSessionId: string): (Publisher | Player) | undefined {
    return this.#sessions.get(mediaSessionId);
  }

  /** Sends a stream event (mute, data) from a publisher to its players. */
  forwardStreamEvent(publisherId: string, type: string, payload: unknown): number {
    const publisher = this.#sessions.get(publisherId);
    if (!publisher || publisher.kind !== 'publish') return 0;
    const stream = this.#streams.get(publisher.name);
    let n = 0;
    for (const player of stream?.players ?? []) {
      try {
        player.request.onStreamEvent?.(type, payload);
        n++;
      } catch {
        // One broken listener must not stop the others.
      }
    }
    return n;
  }

  isPublished(name: string): boolean {
    return this.#streams.get(name)?.publisher.status === STREAM_STATUS.PUBLISHING;
  }

  /** Every stream's counters and its players' (the dashboard, once a second). */
  observe(): StreamObservation[] {
    return [...this.#streams.values()].map((stream) => {
      // Not publisher.info(): werift serializes the whole SDP for it.
      const videoCodec = codecName(stream.publisher.videoCodec);
      const players = [...stream.players].map((p): PlayerObservation => {
        const remoteAddress = p.remoteAddress();
        return {
          mediaSessionId: p.id, bytesSent: p.bytesSent,
          ...(remoteAddress ? { remoteAddress } : {}),
          ...(p.link.rttMs !== undefined ? { rttMs: p.link.rttMs } : {}),
          ...(p.link.lossFraction !== undefined ? { lossFraction: p.link.lossFraction } : {}),
          ...(p.connectedAt !== undefined ? { connectedAt: p.connectedAt } : {}),
        };
      });
      return {
        name: stream.name, publisherId: stream.publisher.id,
        ...(videoCodec ? { videoCodec } : {}),
        ...(stream.publisher.hasAudio ? { audioCodec: 'opus' } : {}),
        bytesIn: stream.counters.bytes, videoFrames: stream.counters.frames, width: stream.counters.width, height: stream.counters.height,
        ...(stream.publisher.connectedAt !== undefined ? { connectedAt: stream.publisher.connectedAt } : {}),
        players,
      };
    });
  }

  counts(): { publishers: number; players: number; streams: number } {
    let publishers = 0;
    let players = 0;
    for (const s of this.#sessions.values()) s.kind === 'publish' ? publishers++ : players++;
    return { publishers, players, streams: this.#streams.size };
  }

  /** Ends every session (server shutdown). */
  close(info: string = STREAM_STATUS_INFO.STOPPED_BY_SESSION_DISCONNECT): void {
    // Players first: ended by their publisher they would hear "Stopped by publisher stop" instead.
    const sessions = [...this.#sessions.values()].sort((a, b) => Number(a.kind === 'publish') - Number(b.kind === 'publish'));
    for (const s of sessions) s.end(s.kind === 'publish' ? STREAM_STATUS.UNPUBLISHED : STREAM_STATUS.STOPPED, info);
    this.#limitedLog.flush();
  }
}
