// Long-term credentials (RFC 8489 §9.2): static users, and the "TURN REST API" time-limited
// credentials compatible with coturn's use-auth-secret (username "<expiry>:<user>",
// password = base64(HMAC-SHA1(secret, username))). Pure: the time is passed in.
import { createHmac } from 'node:crypto';
import { longTermKey, saslprep } from '../stun/index.ts';

export interface StaticUser {
  username: string;
  password: string;
}

export type KeyLookup =
  /** Candidate keys: one for a static user, one per shared secret for REST credentials (key rollover). */
  | { ok: true; keys: Buffer[] }
  | { ok: false; reason: 'unknown user' | 'credential expired' | 'malformed username' };

export interface CredentialStore {
  lookup(username: string, nowMs: number): KeyLookup;
}

function preparePassword(password: string): string {
  const p = saslprep(password);
  return p.ok ? p.value : password;
}

export function restPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username, 'utf8').digest('base64');
}

export interface RestCredentials {
  username: string;
  credential: string;
  /** Expiry time, seconds since the epoch. */
  expiresAt: number;
}

/** Mints time-limited TURN REST credentials (what `GET /turn-credentials` hands to browsers). */
export function mintRestCredentials(options: { secret: string; user?: string; ttlSeconds: number; now?: number }): RestCredentials {
  const nowMs = options.now ?? Date.now();
  const expiresAt = Math.floor(nowMs / 1000) + options.ttlSeconds;
  const username = options.user ? `${expiresAt}:${options.user}` : `${expiresAt}`;
  return { username, credential: restPassword(options.secret, username), expiresAt };
}

/**
 * Reads the expiry of a REST username. coturn puts the timestamp first ("<expiry>:<user>"); a bare
 * timestamp is also accepted.
 */
export function restUsernameExpiry(username: string): number | undefined {
  const head = username.split(':', 1)[0]!;
  if (!/^\d{1,12}$/.test(head)) return undefined;
  return Number(head);
}

export function createCredentialStore(options: { realm: string; users: readonly StaticUser[]; authSecrets: readonly string[] }): CredentialStore {
  const staticKeys = new Map<string, Buffer>();
  for (const u of options.users) staticKeys.set(u.username, longTermKey(u.username, options.realm, preparePassword(u.password)));
  const secrets = options.authSecrets;
  return {
    lookup(username, nowMs) {
      const key = staticKeys.get(username);
      if (key) return { ok: true, keys: [key] };
      if (secrets.length === 0) return { ok: false, reason: 'unknown user' };
      const expiry = restUsernameExpiry(username);
      if (expiry === undefined) return { ok: false, reason: 'malformed username' };
      if (expiry * 1000 <= nowMs) return { ok: false, reason: 'credential expired' };
      return { ok: true, keys: secrets.map((s) => longTermKey(username, options.realm, restPassword(s, username))) };
    },
  };
}
