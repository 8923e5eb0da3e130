// Which ICE servers a peer connection gets: the page's when it set mediaOptions.iceServers, otherwise
// the ones our server handed in its connect reply (fresh TURN credentials; docs/sdk.md). A server that
// hands none (the stock WCS, or TURN disabled) leaves the stock behaviour: no ICE servers.
// Only a type comes from @traverse/protocol: its zod schemas stay out of the browser bundle.

import type { HandedIceServer } from '@traverse/protocol';

export type { HandedIceServer };

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * The usable ICE servers of a connect reply (getUserData's object), or undefined when it has none.
 * Read defensively: the SDK also talks to servers that are not ours.
 */
export function handedIceServers(userData: unknown): HandedIceServer[] | undefined {
  const list = (userData as { iceServers?: unknown } | null | undefined)?.iceServers;
  if (!Array.isArray(list)) return undefined;
  const usable = list.flatMap((s: unknown) => {
    const { urls, username, credential } = (s ?? {}) as Record<string, unknown>;
    const urlList = isString(urls) ? [urls] : Array.isArray(urls) ? urls.filter(isString) : [];
    return urlList.length > 0 && isString(username) && isString(credential) ? [{ urls: urlList, username, credential }] : [];
  });
  return usable.length > 0 ? usable : undefined;
}

/**
 * The page's mediaOptions with the ICE servers to use: the page's own when it set `iceServers` (even
 * an empty list, which means "none"), else the handed ones. Every other option (iceTransportPolicy…)
 * is the page's, untouched.
 */
export function withIceServers(mediaOptions: Record<string, unknown> | undefined, handed: HandedIceServer[] | undefined): Record<string, unknown> | undefined {
  if (mediaOptions?.iceServers !== undefined || !handed) return mediaOptions;
  return { ...mediaOptions, iceServers: handed };
}
