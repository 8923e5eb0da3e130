// WCS-compatible REST: /rest-api/stream/find_all, /find and /terminate (research/wcs-websdk.md §6).
import { z } from 'zod';
import type { SessionInfo as StreamRecord } from '../media/types.ts';


export interface StreamDirectory {
  find(filter: StreamFilter): StreamRecord[];
  terminate(filter: StreamFilter): number;
}

export const findFilterSchema = z.looseObject({
  name: z.string().max(256).optional(),
  published: z.boolean().optional(),
  mediaSessionId: z.string().max(128).optional(),
  status: z.string().max(64).optional(),
});

export const terminateFilterSchema = findFilterSchema.extend({
  mediaSessionIds: z.array(z.string().max(128)).max(1000).optional(),
});

export type StreamFilter = z.infer<typeof terminateFilterSchema>;

/**
 * The SDP as REST shows it: the ICE password is what authenticates connectivity checks, and whoever
 * holds it can move a live session's media to another address, so it never leaves the server.
 */
export function withoutIcePassword(sdp: string): string {
  return sdp.replace(/^a=ice-pwd:.*$/gm, 'a=ice-pwd:hidden');
}

/** The stream object of WCS REST answers. */
export function wcsStream(r: StreamRecord, nodeId: string): Record<string, unknown> {
  return {
    nodeId,
    appKey: r.appKey,
    sessionId: r.ownerId,
    mediaSessionId: r.mediaSessionId,
    name: r.name,
    published: r.kind === 'publish',
    hasVideo: r.hasVideo,
    hasAudio: r.hasAudio,
    status: r.status,
    sdp: withoutIcePassword(r.sdp),
    audioCodec: r.audioCodec ?? '',
    videoCodec: r.videoCodec ?? '',
    record: false,
    width: 0,
    height: 0,
    bitrate: 0,
    minBitrate: 0,
    maxBitrate: 0,
    quality: 0,
    history: false,
    gop: 0,
    fps: 0,
    audioBitrate: 0,
    codecImpl: '',
    transport: r.transport,
    cvoExtension: false,
    createDate: r.createDate,
    mediaType: r.kind,
    mediaProvider: 'WebRTC',
    ...(r.remoteAddress ? { remoteAddress: r.remoteAddress } : {}),
  };
}
