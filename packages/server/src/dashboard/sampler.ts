// Turns counters read once a second into rates and rows for the page, and keeps the charts' last
// ten minutes. Pure: every input comes from the injected sources, time from the injected clock.
import type { StreamObservation } from '../media/index.ts';
import type { ProcessReading } from './process-gauge.ts';
import { PLAYER_PATHS, playerPath, relaysByAddress, type ClientTransport, type RelayAllocation } from './player-path.ts';
import type { ChartPoint, DashboardSample, DashboardUpdate, PlayerRow, StreamRow, TurnRow } from './sample.ts';

export const HISTORY_SECONDS = 600;

export interface TurnReading {
  allocations: readonly RelayAllocation[];
  /** Relayed application bytes so far, both directions, by client transport. */
  relayedBytes: Record<ClientTransport, number>;
  refusals: { 401: number; 403: number; 508: number };
}

export interface SamplerSources {
  /** Epoch ms. */
  now(): number;
  nodeId: string;
  streams(): StreamObservation[];
  /** RTP bytes received and sent so far, all streams. */
  mediaBytes(): { in: number; out: number };
  turn(): TurnReading | undefined;
  process(): ProcessReading;
  sessions(): { connections: number; publishers: number; players: number };
}

const TRANSPORTS: readonly ClientTransport[] = ['udp', 'tcp', 'tls'];

/** Per second of a counter's growth between two readings; null without a previous one. */
function rate(current: number, previous: number | undefined, seconds: number): number | null {
  if (previous === undefined || seconds <= 0) return null;
  return Math.max(0, current - previous) / seconds;
}

export class DashboardSampler {
  readonly #history: ChartPoint[] = [];
  #previousAt: number | undefined;
  /** Counter values of the previous reading, by stream (name + publisher id) and player id. */
  #previous = new Map<string, number>();
  #last: DashboardSample | null = null;

  constructor(private readonly sources: SamplerSources) {}

  history(): ChartPoint[] {
    return [...this.#history];
  }

  last(): DashboardSample | null {
    return this.#last;
  }

  sample(): DashboardUpdate {
    const now = this.sources.now();
    const seconds = this.#previousAt === undefined ? 0 : (now - this.#previousAt) / 1000;
    const previous = this.#previous;
    const current = new Map<string, number>();
    const counter = (key: string, value: number) => {
      current.set(key, value);
      return rate(value, previous.get(key), seconds);
    };

    const turn = this.sources.turn();
    const relays = relaysByAddress(turn?.allocations ?? []);
    const playersByPath = PLAYER_PATHS.map(() => 0);
    const streams = this.sources.streams().map((s): StreamRow => {
      const key = `stream ${s.name} ${s.publisherId}`;
      const bytesPerSecond = counter(`${key} bytes`, s.bytesIn);
      const players = s.players.map((p): PlayerRow => {
        const path = playerPath(p.remoteAddress, relays);
        const index = PLAYER_PATHS.indexOf(path);
        if (index >= 0) playersByPath[index]!++;
        const bps = counter(`player ${p.mediaSessionId}`, p.bytesSent);
        return {
          id: p.mediaSessionId, path,
          rttMs: p.rttMs ?? null,
          lossPercent: p.lossFraction === undefined ? null : p.lossFraction * 100,
          bitrate: bps === null ? null : bps * 8,
          connectedSeconds: p.connectedAt === undefined ? null : Math.max(0, Math.round((now - p.connectedAt) / 1000)),
        };
      });
      return {
        name: s.name, publisherId: s.publisherId,
        codec: [s.videoCodec, s.audioCodec].filter(Boolean).join(' + ') || '—',
        resolution: s.width > 0 && s.height > 0 ? `${s.width}x${s.height}` : null,
        fps: counter(`${key} frames`, s.videoFrames),
        bitrate: bytesPerSecond === null ? null : bytesPerSecond * 8,
        players,
      };
    });

    const transports = TRANSPORTS.map((transport): TurnRow => {
      const relayed = counter(`turn ${transport}`, turn?.relayedBytes[transport] ?? 0);
      return {
        transport,
        allocations: turn ? turn.allocations.filter((a) => a.transport === transport).length : 0,
        bitrate: relayed === null ? null : relayed * 8,
      };
    });
    const media = this.sources.mediaBytes();
    const bytesIn = counter('media in', media.in);
    const bytesOut = counter('media out', media.out);
    const proc = this.sources.process();
    const sample: DashboardSample = {
      time: now / 1000,
      nodeId: this.sources.nodeId,
      streams,
      turn: { enabled: turn !== undefined, transports, refusals: turn?.refusals ?? { 401: 0, 403: 0, 508: 0 } },
      process: { ...proc, ...this.sources.sessions() },
    };
    const point: ChartPoint = { time: now / 1000, bitrateIn: (bytesIn ?? 0) * 8, bitrateOut: (bytesOut ?? 0) * 8, playersByPath, cpuPercent: proc.cpuPercent };
    this.#history.push(point);
    // Once a second, so this drops at most one point per call.
    while (this.#history.length > 0 && this.#history[0]!.time <= now / 1000 - HISTORY_SECONDS) this.#history.shift();
    this.#previous = current;
    this.#previousAt = now;
    this.#last = sample;
    return { sample, point };
  }
}
