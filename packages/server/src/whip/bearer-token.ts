// Who may publish over WHIP: an optional server-wide token and optional tokens per stream name. A
// name with its own token accepts only that one; other names accept the server-wide token; with
// neither configured, WHIP is as open as publishing over WebSocket. Pure (no I/O).
import { createHash, timingSafeEqual } from 'node:crypto';

export interface WhipTokenSettings {
  /** Accepted for every stream name without a token of its own. */
  token?: string | undefined;
  /** Stream name → the only token accepted for that name. */
  tokens?: Readonly<Record<string, string>> | undefined;
}

export type TokenCheck = { ok: true } | { ok: false; presented: boolean };

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), if any. Any characters after
 * the scheme are taken, not only RFC 6750's token68 ones: an operator may choose a token OBS accepts
 * that the RFC's grammar does not.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S(?:.*\S)?)\s*$/i.exec(authorization ?? '')?.[1];
}

/** Compares through digests: equal length for timingSafeEqual, and no early exit on the first wrong byte. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export function checkWhipToken(settings: WhipTokenSettings, streamName: string, authorization: string | undefined): TokenCheck {
  const required = Object.hasOwn(settings.tokens ?? {}, streamName) ? settings.tokens![streamName] : settings.token;
  if (required === undefined) return { ok: true };
  const presented = bearerToken(authorization);
  if (presented !== undefined && sameSecret(presented, required)) return { ok: true };
  return { ok: false, presented: presented !== undefined };
}
