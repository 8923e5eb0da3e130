// What signaling needs from the media layer. Declared here so signaling never depends on werift;
// the composition root passes the MediaServer, which fits this shape.
import type { StreamStatus } from '@traverse/protocol/constants';

export interface MediaRequest {
  mediaSessionId: string;
  name: string;
  sdp: string;
  ownerId: string;
  appKey: string;
  transport?: string;
  custom?: unknown;
  onStatus(status: StreamStatus, info: string): void;
  onStreamEvent?(type: string, payload: unknown): void;
}

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
