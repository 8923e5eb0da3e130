// The JSON the dashboard page receives once a second (types only: the page imports them too).
import type { PlayerPath } from './player-path.ts';

export interface PlayerRow {
  id: string;
  path: PlayerPath;
  rttMs: number | null;
  /** Percent of packets lost in the browser's last report interval. */
  lossPercent: number | null;
  bitrate: number | null;
  connectedSeconds: number | null;
}

export interface StreamRow {
  name: string;
  publisherId: string;
  codec: string;
  /** "1280x720", or null until a VP8 key frame or an H.264 SPS told. */
  resolution: string | null;
  fps: number | null;
  /** bit/s received from the publisher (audio + video); null on the first sample. */
  bitrate: number | null;
  players: PlayerRow[];
}

export interface TurnRow {
  transport: 'udp' | 'tcp' | 'tls';
  allocations: number;
  /** Relayed bit/s, both directions. */
  bitrate: number | null;
}

export interface DashboardSample {
  /** Unix time, seconds. */
  time: number;
  nodeId: string;
  streams: StreamRow[];
  turn: { enabled: boolean; transports: TurnRow[]; refusals: { 401: number; 403: number; 508: number } };
  process: { cpuPercent: number; rssBytes: number; loopDelayMeanMs: number; loopDelayMaxMs: number; connections: number; publishers: number; players: number };
}

/** One point of the 10-minute charts. */
export interface ChartPoint {
  time: number;
  bitrateIn: number;
  bitrateOut: number;
  /** Players by path, in PLAYER_PATHS order. */
  playersByPath: number[];
  cpuPercent: number;
}

/** One second's event: the tables' rows and the charts' new point. */
export interface DashboardUpdate {
  sample: DashboardSample;
  point: ChartPoint;
}

/** The first event on a connection: the charts' history, then one `sample` event per second. */
export interface DashboardHello {
  history: ChartPoint[];
  sample: DashboardSample | null;
}
