// Who may open /dashboard/ (and, with the dashboard's token, call the REST API it uses): the REST
// API's addresses (restAllowedIps), or anyone presenting the configured token, as `?token=` (what an
// EventSource can send) or `Authorization: Bearer`.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface DashboardAccess {
  /** True when the request's address or token lets it in. */
  allows(request: { remoteAddress: string | undefined; url: string; authorization: string | undefined }): boolean;
  /** True when the request presents the configured token (address not considered). */
  tokenPresented(request: { url: string; authorization: string | undefined }): boolean;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares in constant time: both sides are hashed first, so lengths leak nothing either. */
export function tokenMatches(expected: string | undefined, given: string | undefined): boolean {
  if (!expected || given === undefined) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

/** The token a request carries: the Bearer credential, else the `token` query parameter. */
export function presentedToken(url: string, authorization: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (bearer) return bearer;
  const query = url.indexOf('?');
  return query < 0 ? undefined : new URLSearchParams(url.slice(query + 1)).get('token') ?? undefined;
}

export function dashboardAccess(options: { addresses: { allows(address: string | undefined): boolean }; token: string | undefined }): DashboardAccess {
  const tokenPresented: DashboardAccess['tokenPresented'] = (r) => tokenMatches(options.token, presentedToken(r.url, r.authorization));
  return {
    tokenPresented,
    allows: (r) => options.addresses.allows(r.remoteAddress) || tokenPresented(r),
  };
}
