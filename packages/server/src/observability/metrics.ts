// Media-server metrics on an injected prom-client registry. Values are read from plain counters at
// scrape time, so the packet path only increments numbers.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface MetricSources {
  connections(): number;
  sessions(): { publishers: number; players: number; streams: number };
  media: { rtpPacketsIn: number; rtpBytesIn: number; rtpPacketsOut: number; rtpBytesOut: number; keyFrameRequests: number; nacksReceived: number };
  signaling: { messages: number; invalid: Record<string, number>; refusedConnections: Record<string, number> };
}

export function registerServerMetrics(registry: Registry, src: MetricSources): void {
  new Gauge({ name: 'traverse_connections', help: 'Open signaling connections', registers: [registry], collect() { this.set(src.connections()); } });
  new Gauge({
    name: 'traverse_streams', help: 'Live publish and play sessions', labelNames: ['kind'], registers: [registry],
    collect() {
      const s = src.sessions();
      this.set({ kind: 'publish' }, s.publishers);
      this.set({ kind: 'play' }, s.players);
    },
  });
  const counter = (name: string, help: string, read: () => Record<string, number> | number, labelNames: string[] = []) =>
    new Counter({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        const v = read();
        if (typeof v === 'number') this.inc(v);
        else for (const [label, n] of Object.entries(v)) this.inc({ [labelNames[0]!]: label }, n);
      },
    });
  counter('traverse_rtp_packets_total', 'RTP packets received from publishers (in) and sent to players (out)',
    () => ({ in: src.media.rtpPacketsIn, out: src.media.rtpPacketsOut }), ['direction']);
  counter('traverse_rtp_bytes_total', 'RTP bytes received from publishers (in) and sent to players (out)',
    () => ({ in: src.media.rtpBytesIn, out: src.media.rtpBytesOut }), ['direction']);
  counter('traverse_keyframe_requests_total', 'Key-frame requests (PLI) sent to publishers', () => src.media.keyFrameRequests);
  counter('traverse_nacks_total', 'NACKs received from players', () => src.media.nacksReceived);
  counter('traverse_signaling_messages_total', 'Signaling frames received, refused ones included', () => src.signaling.messages);
  // Every reason has a series from the start (at 0), so a rate() over it works before the first bad frame.
  counter('traverse_signaling_invalid_total', 'Signaling frames refused, by reason', () => src.signaling.invalid, ['reason']);
  counter('traverse_signaling_connections_refused_total', 'WebSocket upgrades refused at a connection limit, by reason',
    () => src.signaling.refusedConnections, ['reason']);
}
