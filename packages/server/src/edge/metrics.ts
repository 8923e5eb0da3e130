// Counters of the public port: connections by where they went, and refusals by reason. Every series
// exists from the start (at 0), so a rate() over it works before the first stranger.
import { Counter, type Registry } from 'prom-client';

export const PUBLIC_PORT_ROUTES = ['https', 'turn_tls', 'turn_tcp', 'ice_tcp', 'http_redirect'] as const;
export type PublicPortRoute = (typeof PUBLIC_PORT_ROUTES)[number];

/**
 * `unknown`: first bytes of nothing served here; `timeout`: no verdict within the deadline; `busy`,
 * `busy_address`: too many connections still being read (in all, from that address); `tls_handshake`:
 * the handshake failed; `unavailable`: TURN or ICE-TCP, which this server does not run.
 */
export const PUBLIC_PORT_REFUSALS = ['unknown', 'timeout', 'busy', 'busy_address', 'tls_handshake', 'unavailable'] as const;
export type PublicPortRefusal = (typeof PUBLIC_PORT_REFUSALS)[number];

export interface PublicPortMetrics {
  accepted(route: PublicPortRoute): void;
  refused(reason: PublicPortRefusal): void;
}

export function publicPortMetrics(registry: Registry | undefined): PublicPortMetrics {
  if (!registry) return { accepted: () => undefined, refused: () => undefined };
  const accepted = new Counter({ name: 'traverse_public_port_connections_total', help: 'Public-port connections by where they went', labelNames: ['route'], registers: [registry] });
  const refused = new Counter({ name: 'traverse_public_port_refused_total', help: 'Public-port connections closed before they went anywhere, by reason', labelNames: ['reason'], registers: [registry] });
  for (const route of PUBLIC_PORT_ROUTES) accepted.inc({ route }, 0);
  for (const reason of PUBLIC_PORT_REFUSALS) refused.inc({ reason }, 0);
  return {
    accepted: (route) => accepted.inc({ route }),
    refused: (reason) => refused.inc({ reason }),
  };
}
