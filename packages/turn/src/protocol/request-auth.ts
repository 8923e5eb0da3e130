// Long-term credential check of a request (RFC 8489 §9.2.4): challenge, nonce, realm, user, MAC.
import type { CredentialStore, NonceMinter } from '../auth/index.ts';
import type { RateLimiter } from '../policy/index.ts';
import {
  Attr, MAX_NONCE_BYTES, MAX_REALM_BYTES, MAX_USERNAME_BYTES, getAttribute, text, verifyIntegrity, type StunMessage,
} from '../stun/index.ts';
import { challengeAttributes, errorResponse } from './responses.ts';

export interface AuthDeps {
  realm: string;
  credentials: CredentialStore;
  nonces: NonceMinter;
  failures: RateLimiter;
}

export type AuthOutcome =
  | { ok: true; key: Buffer; username: string }
  /** `response` is undefined when the source is rate-limited: the request is dropped. */
  | { ok: false; response: Buffer | undefined; failure?: string };

export function authenticate(deps: AuthDeps, request: StunMessage, clientIp: string, nowMs: number): AuthOutcome {
  if (!deps.failures.allows(clientIp, nowMs)) return { ok: false, response: undefined, failure: 'rate-limited' };
  const ctx = { request };
  const challenge = () => challengeAttributes(deps.realm, deps.nonces.mint(clientIp, nowMs));
  const hasMac = getAttribute(request, Attr.MessageIntegrity) || getAttribute(request, Attr.MessageIntegritySha256);
  if (!hasMac) return { ok: false, response: errorResponse(ctx, 401, challenge()) };

  const usernameAttr = getAttribute(request, Attr.Username);
  const realmAttr = getAttribute(request, Attr.Realm);
  const nonceAttr = getAttribute(request, Attr.Nonce);
  if (!usernameAttr || !realmAttr || !nonceAttr) {
    return { ok: false, response: errorResponse(ctx, 400, [], 'Bad Request: USERNAME, REALM and NONCE are required') };
  }
  const username = text.decode(usernameAttr.value, MAX_USERNAME_BYTES);
  const realm = text.decode(realmAttr.value, MAX_REALM_BYTES);
  const nonce = text.decode(nonceAttr.value, MAX_NONCE_BYTES);
  if (username === undefined || realm === undefined || nonce === undefined) {
    return { ok: false, response: errorResponse(ctx, 400, [], 'Bad Request: malformed USERNAME, REALM or NONCE') };
  }
  if (deps.nonces.check(nonce, clientIp, nowMs) !== 'valid') return { ok: false, response: errorResponse(ctx, 438, challenge()) };
  const fail = (reason: string): AuthOutcome => {
    deps.failures.record(clientIp, nowMs);
    return { ok: false, response: errorResponse(ctx, 401, challenge()), failure: reason };
  };
  if (realm !== deps.realm) return fail(`wrong realm ${JSON.stringify(realm.slice(0, 64))}`);
  const lookup = deps.credentials.lookup(username, nowMs);
  if (!lookup.ok) return fail(`${lookup.reason}: ${JSON.stringify(username.slice(0, 64))}`);
  for (const key of lookup.keys) {
    if (verifyIntegrity(request, key) === 'valid') return { ok: true, key, username };
  }
  return fail(`bad MESSAGE-INTEGRITY for ${JSON.stringify(username.slice(0, 64))}`);
}
