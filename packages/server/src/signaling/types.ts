// What signaling needs from the media layer, as an interface: signaling depends on the media layer's
// types (media/types.ts imports no werift), never on its implementation. The composition root passes
// the MediaServer, which fits this shape.
import type { StreamStatus } from '@traverse/protocol/constants';
import type { SessionRequest } from '../media/types.ts';

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

export interface SignalingCounters {
  connections: number;
  messages: number;
  invalidMessages: number;
}
