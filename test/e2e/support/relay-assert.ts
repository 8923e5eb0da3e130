// Assertions on the browser's own view of its peer connections (support/peer-connections.ts): which
// candidate pair ICE selected says whether media really went through TURN, per connection.
import assert from 'node:assert/strict';
import type { PeerConnectionReport } from './peer-connections.ts';

export type RelayProtocol = 'udp' | 'tcp' | 'tls';

/** The connections that have not been closed: the ones carrying the streams under test. */
export function liveConnections(reports: PeerConnectionReport[]): PeerConnectionReport[] {
  return reports.filter((r) => r.connectionState !== 'closed');
}

/**
 * Exactly `count` live connections, each connected over a selected pair whose local candidate is a
 * TURN relay reached over `relayProtocol`.
 */
export function assertEveryConnectionRelayed(reports: PeerConnectionReport[], count: number, relayProtocol: RelayProtocol): void {
  const live = liveConnections(reports);
  const all = JSON.stringify(reports);
  assert.equal(live.length, count, `live peer connections: ${all}`);
  for (const r of live) {
    assert.equal(r.connectionState, 'connected', `connection ${r.index}: ${all}`);
    assert.equal(r.selectedPair?.localType, 'relay', `connection ${r.index} selected a non-relay pair: ${all}`);
    assert.equal(r.selectedPair?.relayProtocol, relayProtocol, `connection ${r.index} reaches TURN over another transport: ${all}`);
    assert.equal(r.selectedPair?.protocol, 'udp', `connection ${r.index}: a TURN relay allocates UDP: ${all}`);
  }
}

/** Exactly `count` live connections, each connected over a pair without TURN. */
export function assertEveryConnectionDirect(reports: PeerConnectionReport[], count: number): void {
  const live = liveConnections(reports);
  const all = JSON.stringify(reports);
  assert.equal(live.length, count, `live peer connections: ${all}`);
  for (const r of live) {
    assert.equal(r.connectionState, 'connected', `connection ${r.index}: ${all}`);
    assert.ok(r.selectedPair && r.selectedPair.localType !== 'relay', `connection ${r.index} is not direct: ${all}`);
  }
}
