// The contract between the media layer and whoever drives it (signaling, REST). No werift types here.
import type { StreamStatus } from '@traverse/protocol/constants';

export type SessionKind = 'publish' | 'play';

/** Status updates of one publish or play session, in the WCS vocabulary. */
export type StatusListener = (status: StreamStatus, info: string) => void;

export interface SessionRequest {
  mediaSessionId: string;
  name: string;
  sdp: string;
  /** Opaque owner (the signaling connection id); REST shows it as sessionId. */
  ownerId: string;
  appKey: string;
  transport?: string;
  custom?: unknown;
  onStatus: StatusListener;
  /** Stream events (mute, data) for players of this stream. */
  onStreamEvent?: (type: string, payload: unknown) => void;
}

export interface SessionInfo {
  mediaSessionId: string;
  name: string;
  kind: SessionKind;
  ownerId: string;
  appKey: string;
  status: StreamStatus;
  hasAudio: boolean;
  hasVideo: boolean;
  audioCodec?: string;
  videoCodec?: string;
  transport: string;
  createDate: number;
  sdp: string;
  /** Where the media comes from as seen by the server (a TURN relay address when relayed). */
  remoteAddress?: string;
}

export class MediaError extends Error {
  constructor(readonly info: string, detail?: string) {
    super(detail ?? info);
  }
}

export interface MediaStats {
  rtpPacketsIn: number;
  rtpBytesIn: number;
  rtpPacketsOut: number;
  rtpBytesOut: number;
  keyFrameRequests: number;
  nacksReceived: number;
}

/** What the dashboard reads of one live stream once a second: counters only, no werift objects. */
export interface StreamObservation {
  name: string;
  publisherId: string;
  videoCodec?: string;
  audioCodec?: string;
  /** RTP bytes and video frames received so far (the reader takes differences). */
  bytesIn: number;
  videoFrames: number;
  /** From the last VP8 key frame or H.264 SPS; 0 while unknown. */
  width: number;
  height: number;
  /** When the publisher went live; undefined while it connects. */
  connectedAt?: number;
  players: PlayerObservation[];
}

export interface PlayerObservation {
  mediaSessionId: string;
  /** The nominated pair's remote address, "ip:port" (a TURN relay address when relayed). */
  remoteAddress?: string;
  bytesSent: number;
  rttMs?: number;
  lossFraction?: number;
  connectedAt?: number;
}
