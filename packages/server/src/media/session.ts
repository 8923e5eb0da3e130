// What publishers and players share: a werift peer connection answered once, whose connection
// state decides the final status. "Connected" (PUBLISHING/PLAYING) means ICE and DTLS are both up,
// so the status tells the page that media flows.
import { STREAM_STATUS, STREAM_STATUS_INFO, type StreamStatus } from '@traverse/protocol/constants';
import type { RTCPeerConnection } from 'werift';
import { followBrowserNomination } from './ice-lite-nomination.ts';
import { requireAuthenticatedChecks } from './ice-request-auth.ts';
import { listenForPeer, watchSilence, type PeerHearing } from './peer-silence.ts';
import { announce, missingCandidatesReason, waitForGathering, type MediaNetworkOptions } from './peer-factory.ts';
import { gatherOnSharedPorts } from './shared-ports/werift-binding.ts';
import { MediaError, type SessionInfo, type SessionKind, type SessionRequest } from './types.ts';

/** The status info when no media socket could be opened (the media port range is used up). */
export const NO_MEDIA_PORT = `${STREAM_STATUS_INFO.FAILED_BY_ERROR}: no free media port`;

export interface SessionTimeouts {
  /** No ICE connectivity check succeeded within this time: "Failed by ICE timeout". */
  iceMs: number;
  /** ICE up but DTLS not finished within this time: "Failed by DTLS error". */
  dtlsMs: number;
  gatheringMs: number;
  /** A live session whose peer sent nothing for this long: "Failed by ICE keep alive". Default 15 s. */
  keepAliveMs?: number;
}

const DEFAULT_KEEP_ALIVE_MS = 15_000;
/** How long a live session whose connection failed waits for a stop over signaling before it fails. */
const LOST_PEER_GRACE_MS = 1_000;

export abstract class MediaSession {
  abstract readonly kind: SessionKind;
  status: StreamStatus = STREAM_STATUS.PENDING;
  readonly createDate = Date.now();
  /** When ICE and DTLS came up (PUBLISHING/PLAYING); undefined before. */
  connectedAt: number | undefined;
  #iceConnected = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #hearing: PeerHearing | undefined;
  #stopWatchingSilence: (() => void) | undefined;

  constructor(
    readonly request: SessionRequest,
    protected readonly pc: RTCPeerConnection,
    protected readonly network: MediaNetworkOptions,
    protected readonly timeouts: SessionTimeouts,
  ) {}

  get id(): string {
    return this.request.mediaSessionId;
  }

  get name(): string {
    return this.request.name;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called once ICE and DTLS are up. */
  protected abstract onConnected(): void;
  /** Called once, when the session ends for any reason. */
  protected abstract onClosed(): void;
  protected abstract codecs(): { audio?: string; video?: string };

  /** Applies the offer, prepares the answer (with candidates), and starts watching the connection. */
  protected async answer(prepare: () => void | Promise<void>): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: this.request.sdp });
    followBrowserNomination(this.pc);
    if (this.network.shared && !gatherOnSharedPorts(this.pc, this.network.shared)) {
      throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, 'cannot put ICE on the shared media ports with this werift version');
    }
    await prepare();
    // DTLS server: the answer says a=setup:passive and the browser connects to us.
    for (const dtls of this.pc.dtlsTransports) dtls.role = 'server';
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await waitForGathering(this.pc, this.timeouts.gatheringMs);
    // Stopped (by its owner, REST or a closed socket) while the answer was being prepared.
    if (this.#closed) throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, 'the session ended before its answer was ready');
    const noCandidates = missingCandidatesReason(this.pc.localDescription!.sdp, this.network);
    if (noCandidates) {
      // Ended here, so the page hears why: the caller's generic "Failed by error" comes second and is dropped.
      this.fail(NO_MEDIA_PORT);
      throw new MediaError(NO_MEDIA_PORT, noCandidates);
    }
    // Before the credential check is put in front of it, so only authenticated checks count as hearing the peer.
    this.#hearing = listenForPeer(this.pc);
    if (!this.#hearing || !requireAuthenticatedChecks(this.pc)) throw new MediaError(STREAM_STATUS_INFO.FAILED_BY_ERROR, 'cannot authenticate ICE checks on this werift version');
    this.#watch();
    return announce(this.pc.localDescription!.sdp, this.network);
  }

  #watch(): void {
    this.#timer = setTimeout(() => this.fail(STREAM_STATUS_INFO.FAILED_BY_ICE_TIMEOUT), this.timeouts.iceMs);
    this.pc.iceConnectionStateChange.subscribe((state) => {
      if ((state === 'connected' || state === 'completed') && !this.#iceConnected) {
        this.#iceConnected = true;
        clearTimeout(this.#timer);
        if (this.status === STREAM_STATUS.PENDING) this.#timer = setTimeout(() => this.fail(STREAM_STATUS_INFO.FAILED_BY_DTLS_ERROR), this.timeouts.dtlsMs);
      }
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (this.#closed) return;
      if (state === 'connected' && this.status === STREAM_STATUS.PENDING) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        this.status = this.kind === 'publish' ? STREAM_STATUS.PUBLISHING : STREAM_STATUS.PLAYING;
        this.connectedAt = Date.now();
        this.#stopWatchingSilence = watchSilence(this.#hearing!, this.timeouts.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
          () => this.fail(STREAM_STATUS_INFO.FAILED_BY_KEEP_ALIVE));
        this.notify(this.status, '');
        this.onConnected();
      } else if (state === 'failed' || state === 'disconnected' || state === 'closed') {
        if (this.status === STREAM_STATUS.PENDING) {
          this.fail(this.#iceConnected ? STREAM_STATUS_INFO.FAILED_BY_DTLS_ERROR : STREAM_STATUS_INFO.FAILED_BY_ICE_ERROR);
          return;
        }
        // A page that stops sends its stop over signaling and closes its peer connection at once;
        // over ICE-TCP the closed connection can arrive first. The stop, if one comes, wins.
        this.#timer ??= setTimeout(() => this.fail(STREAM_STATUS_INFO.FAILED_BY_KEEP_ALIVE), LOST_PEER_GRACE_MS);
      }
    });
  }

  protected notify(status: StreamStatus, info: string): void {
    try {
      this.request.onStatus(status, info);
    } catch {
      // A broken listener must not stop the media of others.
    }
  }

  /** Ends with FAILED and the given info. */
  fail(info: string): void {
    this.end(STREAM_STATUS.FAILED, info);
  }

  /** Ends with a final status (idempotent: only the first call notifies). */
  end(status: StreamStatus, info: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#stopWatchingSilence?.();
    this.status = status;
    this.notify(status, info);
    this.onClosed();
    void this.pc.close().catch(() => undefined);
  }

  remoteAddress(): string | undefined {
    const pair = this.pc.iceTransports[0]?.getSelectedCandidatePair();
    // "candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …"
    const fields = pair?.remote.candidate.replace(/^candidate:/, '').split(' ');
    return fields && fields.length >= 6 ? `${fields[4]}:${fields[5]}` : undefined;
  }

  info(): SessionInfo {
    const codecs = this.codecs();
    const remote = this.remoteAddress();
    return {
      mediaSessionId: this.id,
      name: this.name,
      kind: this.kind,
      ownerId: this.request.ownerId,
      appKey: this.request.appKey,
      status: this.status,
      hasAudio: codecs.audio !== undefined,
      hasVideo: codecs.video !== undefined,
      ...(codecs.audio ? { audioCodec: codecs.audio } : {}),
      ...(codecs.video ? { videoCodec: codecs.video } : {}),
      transport: this.request.transport ?? 'UDP',
      createDate: this.createDate,
      sdp: this.pc.localDescription?.sdp ?? '',
      ...(remote ? { remoteAddress: remote } : {}),
    };
  }
}
