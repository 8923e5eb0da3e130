// Prometheus metrics, read from the protocol's plain counters at scrape time so the packet path
// pays nothing. No per-user labels (ephemeral REST usernames would grow the series without bound).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TurnProtocol } from './protocol/index.ts';

export interface TurnMetrics {
  authFailure(): void;
  allocationCreated(): void;
  requestRefused(code: number): void;
  invalidPacket(transport: string, reason: string): void;
}

export function registerTurnMetrics(registry: Registry, protocol: TurnProtocol, prefix = 'turn_'): TurnMetrics {
  new Gauge({
    name: `${prefix}allocations`,
    help: 'Live TURN allocations',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      const counts = { udp: 0, tcp: 0, tls: 0 };
      for (const a of protocol.allocations()) counts[a.transport.kind]++;
      for (const [t, n] of Object.entries(counts)) this.set({ transport: t }, n);
    },
  });
  new Gauge({
    name: `${prefix}port_reservations`,
    help: 'Relay ports held for a RESERVATION-TOKEN (EVEN-PORT R bit), not yet claimed or expired',
    registers: [registry],
    collect() {
      this.set(protocol.reservationCount);
    },
  });
  const created = new Counter({ name: `${prefix}allocations_total`, help: 'TURN allocations created', registers: [registry] });
  const failures = new Counter({ name: `${prefix}auth_failures_total`, help: 'Failed TURN authentications', registers: [registry] });
  const traffic = (name: string, help: string, field: 'Packets' | 'Bytes') =>
    new Counter({
      name,
      help,
      labelNames: ['transport', 'direction'],
      registers: [registry],
      collect() {
        const totals = protocol.trafficTotals();
        // The protocol's totals only grow; reset() + inc() publishes them as they are.
        this.reset();
        for (const transport of ['udp', 'tcp', 'tls'] as const) {
          const t = totals[transport];
          this.inc({ transport, direction: 'to_peer' }, t[`toPeer${field}`]);
          this.inc({ transport, direction: 'to_client' }, t[`toClient${field}`]);
        }
      },
    });
  traffic(`${prefix}relayed_packets_total`, 'Packets relayed, by client transport and direction', 'Packets');
  traffic(`${prefix}relayed_bytes_total`, 'Application bytes relayed, by client transport and direction', 'Bytes');
  const refused = new Counter({ name: `${prefix}requests_refused_total`, help: 'Requests answered with an error other than the 401 challenge (403 peer refused, 437, 441, 486, 508…), by code', labelNames: ['code'], registers: [registry] });
  const invalid = new Counter({ name: `${prefix}invalid_packets_total`, help: 'Datagrams and frames dropped as unreadable STUN, by client transport and reason', labelNames: ['transport', 'reason'], registers: [registry] });
  return {
    authFailure: () => failures.inc(),
    allocationCreated: () => created.inc(),
    requestRefused: (code) => refused.inc({ code: String(code) }),
    invalidPacket: (transport, reason) => invalid.inc({ transport, reason }),
  };
}
