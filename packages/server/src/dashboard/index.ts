// The dashboard's composition: sampler sources read from the media server, the embedded TURN and
// the process; a feed sampling once a second; the routes (registered by api/http.ts).
import type { TurnServer } from '@traverse/turn';
import type { MediaServer } from '../media/index.ts';
import { DashboardFeed } from './feed.ts';
import { ProcessGauge } from './process-gauge.ts';
import { DashboardSampler } from './sampler.ts';
import type { TurnRefusals } from './turn-refusals.ts';

export { dashboardAccess, type DashboardAccess } from './access.ts';
export { dashboardRoutes, type DashboardRouteOptions } from './routes.ts';
export { TurnRefusals } from './turn-refusals.ts';
export { DashboardFeed } from './feed.ts';

export interface DashboardSources {
  nodeId: string;
  media: MediaServer;
  turn: { server: TurnServer; refusals: TurnRefusals } | undefined;
  connections(): number;
}

export function startDashboardFeed(sources: DashboardSources, onListenerError?: (err: unknown) => void): { feed: DashboardFeed; close(): void } {
  const gauge = new ProcessGauge();
  const { media, turn } = sources;
  const sampler = new DashboardSampler({
    now: () => Date.now(),
    nodeId: sources.nodeId,
    streams: () => media.observe(),
    mediaBytes: () => ({ in: media.stats.rtpBytesIn, out: media.stats.rtpBytesOut }),
    turn: () => {
      if (!turn) return undefined;
      const traffic = turn.server.stats().traffic;
      const both = (t: { toPeerBytes: number; toClientBytes: number }) => t.toPeerBytes + t.toClientBytes;
      return {
        allocations: turn.server.allocations(),
        relayedBytes: { udp: both(traffic.udp), tcp: both(traffic.tcp), tls: both(traffic.tls) },
        refusals: { ...turn.refusals.counts },
      };
    },
    process: () => gauge.read(),
    sessions: () => ({ connections: sources.connections(), ...media.counts() }),
  });
  const feed = new DashboardFeed(sampler, 1000, onListenerError);
  return {
    feed,
    close() {
      feed.close();
      gauge.close();
    },
  };
}
