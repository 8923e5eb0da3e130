// A Stream: publish or play one stream name, with the stock SDK's local state rules
// (research/wcs-websdk.md §2.2): silent PENDING on publish, a local PENDING callback on play,
// "Local error" when capture fails, stop() retried while PENDING, terminal statuses clean up.
import { ERROR_INFO, STREAM_EVENT, STREAM_EVENT_TYPE, STREAM_STATUS, type StreamStatus } from '@traverse/protocol/constants';
import { Handlers } from './events.ts';
import { newId } from './ids.ts';
import { logger } from './logger.ts';
import { DEFAULT_CONSTRAINTS, captureLocal, peerConfiguration, removeCodecs, stopTracks, videoElement, type StreamConstraints } from './media.ts';

export interface StreamOptions {
  name: string;
  display?: HTMLElement;
  constraints?: StreamConstraints;
  receiveAudio?: boolean;
  receiveVideo?: boolean;
  cacheLocalResources?: boolean;
  transport?: 'UDP' | 'TCP';
  custom?: unknown;
  remoteVideo?: HTMLVideoElement;
  sdpHook?: (sdp: { sdpString: string }) => string;
  stripCodecs?: string;
  record?: boolean;
  playWidth?: number;
  playHeight?: number;
}

/** What a stream needs from its session. */
export interface SessionLink {
  send(message: string, payload: unknown): void;
  mediaOptions(): Record<string, unknown> | undefined;
  defaultConstraints(): StreamConstraints;
  forget(stream: Stream): void;
}

export interface StatusObject {
  status?: string;
  info?: string;
  [k: string]: unknown;
}

const TERMINAL: readonly string[] = [STREAM_STATUS.FAILED, STREAM_STATUS.STOPPED, STREAM_STATUS.UNPUBLISHED];

export class Stream {
  readonly #id = newId();
  #status: StreamStatus = STREAM_STATUS.NEW;
  #published = false;
  #info: string | undefined;
  #errorInfo: string | undefined;
  #pc: RTCPeerConnection | undefined;
  #local: MediaStream | undefined;
  #video: HTMLVideoElement | undefined;
  #stopRetry: ReturnType<typeof setInterval> | undefined;
  #audioMuted = false;
  #videoMuted = false;
  readonly #handlers = new Handlers<[unknown]>();
  readonly #availability: { resolve(s: Stream): void; reject(s: Stream): void }[] = [];

  constructor(private readonly session: SessionLink, private readonly options: StreamOptions) {}

  id(): string { return this.#id; }
  name(): string { return this.options.name; }
  status(): StreamStatus { return this.#status; }
  published(): boolean { return this.#published; }
  getInfo(): string | undefined { return this.#info; }
  getErrorInfo(): string | undefined { return this.#errorInfo; }
  getRecordInfo(): string | undefined { return undefined; }
  isAudioMuted(): boolean { return this.#audioMuted; }
  isVideoMuted(): boolean { return this.#videoMuted; }

  on(event: string, callback: (arg: unknown) => void): this {
    this.#handlers.set(event, callback);
    return this;
  }

  #wireFields(status: string) {
    const hasVideo = this.#published ? (this.#local?.getVideoTracks().length ?? 0) > 0 : true;
    const hasAudio = this.#published ? (this.#local?.getAudioTracks().length ?? 0) > 0 : true;
    return { mediaSessionId: this.#id, name: this.options.name, published: this.#published, hasVideo, hasAudio, status, record: this.options.record ?? false };
  }

  publish(): void {
    if (this.#status !== STREAM_STATUS.NEW) throw new Error(`Invalid stream state ${this.#status}`);
    this.#published = true;
    this.#status = STREAM_STATUS.PENDING; // Silent, as in the stock SDK.
    void this.#startPublish();
  }

  async #startPublish(): Promise<void> {
    const constraints = this.options.constraints ?? this.session.defaultConstraints() ?? DEFAULT_CONSTRAINTS;
    try {
      this.#local = await captureLocal(constraints);
    } catch (err) {
      this.#errorInfo = (err as Error).message;
      this.#terminal({ status: STREAM_STATUS.FAILED, info: ERROR_INFO.LOCAL_ERROR });
      return;
    }
    if (this.#status !== STREAM_STATUS.PENDING) {
      // Stopped, or the session dropped, while the camera was opening: release it, nobody will.
      stopTracks(this.#local);
      this.#local = undefined;
      return;
    }
    const video = videoElement(this.options.display, this.#id, true);
    if (video) {
      video.srcObject = this.#local;
      video.play?.()?.catch(() => undefined);
      this.#video = video;
    }
    try {
      const pc = this.#createPc();
      for (const track of this.#local.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [this.#local] });
      await this.#offer(pc, 'publishStream', {
        mediaProvider: 'WebRTC', bitrate: 0, minBitrate: 0, maxBitrate: 0,
        ...(this.options.transport ? { transport: this.options.transport } : {}),
        ...(this.options.custom !== undefined ? { custom: this.options.custom } : {}),
        ...(this.options.constraints ? { constraints: this.options.constraints } : {}),
      });
    } catch (err) {
      this.#errorInfo = (err as Error).message;
      this.#terminal({ status: STREAM_STATUS.FAILED, info: ERROR_INFO.LOCAL_ERROR });
    }
  }

  play(): void {
    if (this.#status !== STREAM_STATUS.NEW) throw new Error(`Invalid stream state ${this.#status}`);
    this.#published = false;
    this.#status = STREAM_STATUS.PENDING;
    let pc: RTCPeerConnection;
    try {
      pc = this.#createPc();
    } catch (err) {
      this.#errorInfo = (err as Error).message;
      this.#terminal({ status: STREAM_STATUS.FAILED, info: ERROR_INFO.LOCAL_ERROR });
      return;
    }
    this.#video = this.options.remoteVideo ?? videoElement(this.options.display, this.#id, false);
    const c = this.options.constraints;
    const wantAudio = c?.audio !== undefined ? c.audio !== false : this.options.receiveAudio !== false;
    const wantVideo = c?.video !== undefined ? c.video !== false : this.options.receiveVideo !== false;
    if (wantAudio) pc.addTransceiver('audio', { direction: 'recvonly' });
    if (wantVideo) pc.addTransceiver('video', { direction: 'recvonly' });
    pc.ontrack = (e) => {
      if (!this.#video) return;
      const remote = e.streams[0] ?? new MediaStream([e.track]);
      if (this.#video.srcObject !== remote) this.#video.srcObject = remote;
      this.#video.play?.()?.catch(() => undefined);
    };
    // The page finds its <video> by stream.id() in the PENDING callback (stock behaviour).
    this.#handlers.fire(STREAM_STATUS.PENDING, this);
    void this.#offer(pc, 'playStream', {
      mediaProvider: 'WebRTC', width: this.options.playWidth ?? 0, height: this.options.playHeight ?? 0, bitrate: 0, minBitrate: 0, maxBitrate: 0, quality: 0,
      ...(this.options.transport ? { transport: this.options.transport } : {}),
      ...(this.options.custom !== undefined ? { custom: this.options.custom } : {}),
    }).catch((err: Error) => {
      this.#errorInfo = err.message;
      this.#terminal({ status: STREAM_STATUS.FAILED, info: ERROR_INFO.LOCAL_ERROR });
    });
  }

  #createPc(): RTCPeerConnection {
    const PC = (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection;
    if (!PC) throw new Error('RTCPeerConnection is not available');
    this.#pc = new PC(peerConfiguration(this.session.mediaOptions()));
    return this.#pc;
  }

  /** The offer goes out at once, without candidates, like the stock SDK: the server is ICE-lite. */
  async #offer(pc: RTCPeerConnection, message: string, extra: Record<string, unknown>): Promise<void> {
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    if (this.#status !== STREAM_STATUS.PENDING) return;
    const sdp = removeCodecs(pc.localDescription?.sdp ?? offer.sdp ?? '', (this.options.stripCodecs ?? '').split(','));
    this.session.send(message, { ...this.#wireFields(STREAM_STATUS.PENDING), ...extra, sdp });
  }

  /** The server's answer (setRemoteSDP). */
  async applyAnswer(sdp: string): Promise<void> {
    const pc = this.#pc;
    if (!pc || pc.signalingState !== 'have-local-offer') return;
    const hooked = this.options.sdpHook ? this.options.sdpHook({ sdpString: sdp }) : sdp;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: hooked });
    } catch (err) {
      logger.error('the server answer was refused:', err);
      this.#errorInfo = (err as Error).message;
      this.stop();
    }
  }

  /** A status from the server (notifyStreamStatusEvent, or a fail frame for this stream). */
  applyStatus(obj: StatusObject): void {
    if (typeof obj.status !== 'string') return;
    if (TERMINAL.includes(this.#status)) return;
    if (typeof obj.info === 'string' && obj.info !== '') this.#info = obj.info;
    if (TERMINAL.includes(obj.status)) {
      this.#terminal(obj);
      return;
    }
    this.#status = obj.status as StreamStatus;
    this.#handlers.fire(obj.status, this);
  }

  applyStreamEvent(event: { type?: unknown; payload?: unknown }): void {
    this.#handlers.fire(STREAM_EVENT, { mediaSessionId: this.#id, type: event.type, payload: event.payload });
  }

  applyAvailability(available: boolean, info: string | undefined): void {
    if (info) this.#info = info;
    for (const a of this.#availability.splice(0)) (available ? a.resolve : a.reject)(this);
  }

  #terminal(obj: StatusObject): void {
    clearInterval(this.#stopRetry);
    this.#stopRetry = undefined;
    if (typeof obj.info === 'string' && obj.info !== '') this.#info = obj.info;
    this.#status = obj.status as StreamStatus;
    this.#release();
    this.session.forget(this);
    this.#handlers.fire(this.#status, this);
    this.#handlers.clear();
  }

  #release(): void {
    try {
      this.#pc?.close();
    } catch {
      // Already closed.
    }
    this.#pc = undefined;
    if (this.#published) {
      stopTracks(this.#local);
      if (!this.options.cacheLocalResources && this.#video) {
        this.#video.srcObject = null;
        this.#video.remove();
      }
    } else if (this.#video && this.#video !== this.options.remoteVideo) {
      this.#video.srcObject = null;
      this.#video.remove();
    }
  }

  stop(): void {
    switch (this.#status) {
      case STREAM_STATUS.NEW:
        this.#terminal({ status: STREAM_STATUS.FAILED });
        return;
      case STREAM_STATUS.FAILED:
      case STREAM_STATUS.STOPPED:
      case STREAM_STATUS.UNPUBLISHED:
        return;
      case STREAM_STATUS.PENDING:
        // The server answers every publish/play; stop once it has (stock SDK: retry every 200 ms).
        this.#stopRetry ??= setInterval(() => {
          if (this.#status !== STREAM_STATUS.PENDING) {
            clearInterval(this.#stopRetry);
            this.#stopRetry = undefined;
            this.stop();
          }
        }, 200);
        return;
      default:
        this.session.send(this.#published ? 'unPublishStream' : 'stopStream', this.#wireFields(this.#status));
        try {
          this.#pc?.close();
        } catch {
          // Already closed.
        }
    }
  }

  /** The session went away: the stream ends as FAILED (stock behaviour). */
  sessionEnded(): void {
    if (!TERMINAL.includes(this.#status)) this.#terminal({ status: STREAM_STATUS.FAILED });
  }

  #mute(kind: 'audio' | 'video', muted: boolean): void {
    for (const t of kind === 'audio' ? this.#local?.getAudioTracks() ?? [] : this.#local?.getVideoTracks() ?? []) t.enabled = !muted;
    if (kind === 'audio') this.#audioMuted = muted;
    else this.#videoMuted = muted;
    const type = kind === 'audio' ? (muted ? STREAM_EVENT_TYPE.AUDIO_MUTED : STREAM_EVENT_TYPE.AUDIO_UNMUTED) : muted ? STREAM_EVENT_TYPE.VIDEO_MUTED : STREAM_EVENT_TYPE.VIDEO_UNMUTED;
    if (this.#published) this.session.send('sendStreamEvent', { mediaSessionId: this.#id, type });
  }

  muteAudio(): void { this.#mute('audio', true); }
  unmuteAudio(): void { this.#mute('audio', false); }
  muteVideo(): void { this.#mute('video', true); }
  unmuteVideo(): void { this.#mute('video', false); }

  /** Sends data to this stream's players (they receive a STREAM_EVENT of type "data"). */
  sendData(payload: unknown): void {
    this.session.send('sendStreamEvent', { mediaSessionId: this.#id, type: STREAM_EVENT_TYPE.DATA, payload });
  }

  available(): Promise<Stream> {
    return new Promise((resolve, reject) => {
      this.#availability.push({ resolve, reject });
      this.session.send('availableStream', { mediaSessionId: this.#id, name: this.options.name });
    });
  }

  videoResolution(): { width: number; height: number } {
    return { width: this.#video?.videoWidth ?? 0, height: this.#video?.videoHeight ?? 0 };
  }

  setVolume(volume: number): void {
    if (this.#video) this.#video.volume = Math.min(1, Math.max(0, volume / 100));
  }

  getVolume(): number {
    return Math.round((this.#video?.volume ?? 1) * 100);
  }

  /** Calls back with {inboundStream, outboundStream} summaries of the peer connection's stats. */
  getStats(callback: (stats: Record<string, unknown>) => void, nativeStats = false): void {
    const pc = this.#pc;
    if (!pc) {
      logger.warn(ERROR_INFO.CAN_NOT_GET_STATS);
      return;
    }
    pc.getStats().then((report) => {
      if (nativeStats) {
        callback(report as unknown as Record<string, unknown>);
        return;
      }
      const out: { inboundStream: Record<string, unknown>; outboundStream: Record<string, unknown> } = { inboundStream: {}, outboundStream: {} };
      report.forEach((s: { type: string; kind?: string }) => {
        if ((s.type === 'inbound-rtp' || s.type === 'outbound-rtp') && s.kind) {
          (s.type === 'inbound-rtp' ? out.inboundStream : out.outboundStream)[s.kind] = s;
        }
      });
      callback(out);
    }, (err) => logger.warn(ERROR_INFO.CAN_NOT_GET_STATS, err));
  }
}
