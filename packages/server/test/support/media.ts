// A MediaServer on loopback for media-layer tests, and session requests that record their statuses.
import { pino } from 'pino';
import { MediaServer, type SessionRequest } from '../../src/media/index.ts';

export const TEST_KEY_FRAME_INTERVAL_MS = 300;

export function testMediaServer(timeouts: { iceMs?: number; dtlsMs?: number } = {}, keyFrameReplayMs?: number): MediaServer {
  return new MediaServer({
    ...(keyFrameReplayMs !== undefined ? { keyFrameReplayMs } : {}),
    network: { mediaIps: ['127.0.0.1'], announcedIps: [], portRange: [0, 0] },
    timeouts: { iceMs: 8000, dtlsMs: 8000, gatheringMs: 5000, ...timeouts },
    keyFrameIntervalMs: TEST_KEY_FRAME_INTERVAL_MS,
    logger: pino({ level: 'silent' }),
  });
}

/** A request whose status updates are pushed to `statuses` as [status, info]. */
export function sessionRequest(id: string, name: string, sdp: string, statuses: string[][] = []): SessionRequest {
  return { mediaSessionId: id, name, sdp, ownerId: 'owner', appKey: 'defaultApp', onStatus: (s, i) => statuses.push([s, i]) };
}
