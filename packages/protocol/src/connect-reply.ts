// What our server adds to the connect reply (getUserData): ICE servers with fresh, time-limited TURN
// credentials, so that a page which sets no iceServers still gets through a firewall. The stock SDK
// reads only authToken and webRTCMetricsServerDescription from this object (research/wcs-websdk.md
// §3.3), so extra fields leave it unchanged.
import { z } from 'zod';

/** One ICE server, in the shape RTCPeerConnection takes. */
export const handedIceServerSchema = z.object({
  urls: z.array(z.string().regex(/^(turns?|stun):[^\s]+$/, 'must be a turn:, turns: or stun: URL').max(512)).min(1).max(8),
  username: z.string().min(1).max(256),
  credential: z.string().min(1).max(256),
});

/** The fields our server adds to getUserData. */
export const connectReplyIceSchema = z.object({
  iceServers: z.array(handedIceServerSchema).max(4),
  /** Seconds the credentials stay valid from the moment the reply was sent. */
  iceServersTtl: z.number().int().positive(),
});

export type HandedIceServer = z.infer<typeof handedIceServerSchema>;
export type ConnectReplyIce = z.infer<typeof connectReplyIceSchema>;

/** What the embedded TURN mints for a host (GET /turn-credentials answers the same). */
export interface TurnCredentials {
  urls: string[];
  username: string;
  credential: string;
  ttl: number;
}

/** The connect-reply fields for minted TURN credentials, or why they cannot be sent. */
export function connectReplyIce(minted: TurnCredentials): { ok: true; value: ConnectReplyIce } | { ok: false; error: string } {
  const parsed = connectReplyIceSchema.safeParse({
    iceServers: [{ urls: minted.urls, username: minted.username, credential: minted.credential }],
    iceServersTtl: minted.ttl,
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}
