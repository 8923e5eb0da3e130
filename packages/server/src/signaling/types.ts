// What signaling needs from the media layer, as an interface: signaling depends on the media layer's
// types (media/types.ts imports no werift), never on its implementation. The composition root passes
// the MediaServer, which fits this shape.
import type { StreamStatus } from '@traverse/protocol/constants';
import type { SessionRequest } from '../media/types.ts';
import type { InvalidReason } from './invalid-reason.ts';

/** A publish or play request as the media layer takes it. */
export type MediaRequest = SessionRequest;

export interface MediaService {
  publish(request: MediaRequest): Promise<string>;
  play(request: MediaRequest): Promise<string>;
  stop(mediaSessionId: string, status: StreamStatus, info: string, ownerId?: string): boolean;
  stopOwner(ownerId: string): void;
  forwardStreamEvent(publisherId: string, type: string, payload: unknown): number;
  isPublished(name: string): boolean;
  session(mediaSessionId: string): { kind: 'publish' | 'play'; request: { ownerId: string; name: string } } | undefined;
}

/** Plain numbers the metrics read at scrape time (observability/metrics.ts). */
export interface SignalingCounters {
  connections: number;
  /** Every frame received, refused ones included. */
  messages: number;
  /** Frames refused, by reason (traverse_signaling_invalid_total). */
  invalid: Record<InvalidReason, number>;
  /** WebSocket upgrades refused, by reason (traverse_signaling_connections_refused_total). */
  refusedConnections: Record<RefusedConnectionReason, number>;
}

/** `max_connections`: the server holds maxConnections (503); `max_connections_per_ip`: that address holds maxConnectionsPerIp (429). */
export type RefusedConnectionReason = 'max_connections' | 'max_connections_per_ip';
