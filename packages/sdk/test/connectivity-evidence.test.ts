import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepCandidates } from '../src/connectivity/candidates.ts';
import { selectedPairOf } from '../src/connectivity/selected-pair.ts';

// The candidate lines of a server answer: shared UDP port, ICE-TCP passive, on two addresses.
const answer = [
  'v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', 'a=ice-lite', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2130706431 198.51.100.7 40000 typ host',
  'a=candidate:2 1 UDP 2130706175 2001:db8::7 40000 typ host',
  'a=candidate:3 1 tcp 1671430143 198.51.100.7 443 typ host tcptype passive',
  'a=candidate:4 1 TCP 1671429887 2001:db8::7 443 typ host tcptype passive',
  'a=end-of-candidates', 'a=mid:0', '',
].join('\r\n');

test('keepCandidates() keeps only the candidates of one transport, whatever their case, and counts them', () => {
  const udp = keepCandidates(answer, 'udp');
  assert.equal(udp.kept, 2);
  assert.doesNotMatch(udp.sdp, /tcptype/);
  assert.match(udp.sdp, /a=candidate:2 1 UDP/);
  const tcp = keepCandidates(answer, 'tcp');
  assert.equal(tcp.kept, 2);
  assert.doesNotMatch(tcp.sdp, / udp | UDP \d/);
  assert.match(tcp.sdp, /a=candidate:3 1 tcp 1671430143 198\.51\.100\.7 443 typ host tcptype passive\r\n/);
  // Everything else stays, line endings included.
  assert.equal(tcp.sdp.replace(/a=candidate:.*\r\n/g, ''), answer.replace(/a=candidate:.*\r\n/g, ''));
});

test('keepCandidates() on an answer without ICE-TCP keeps none, so the probe can say so at once', () => {
  const udpOnly = answer.replace(/a=candidate:[34] .*\r\n/g, '');
  assert.equal(keepCandidates(udpOnly, 'tcp').kept, 0);
  assert.equal(keepCandidates(udpOnly.replace(/\r\n/g, '\n'), 'udp').kept, 2);
});

test('selectedPairOf() follows Chromium\'s transport to its selected pair, with the RTT in ms', () => {
  const stats = [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CPb' },
    { id: 'CPa', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.5 },
    { id: 'CPb', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R2', currentRoundTripTime: 0.021 },
    { id: 'L1', type: 'local-candidate', candidateType: 'host', protocol: 'udp', address: '10.0.0.2', port: 5000 },
    { id: 'L2', type: 'local-candidate', candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls', address: '203.0.113.9', port: 50000 },
    { id: 'R2', type: 'remote-candidate', candidateType: 'host', protocol: 'udp', address: '198.51.100.7', port: 40000 },
  ];
  assert.deepEqual(selectedPairOf(stats), {
    local: { type: 'relay', protocol: 'udp', relayProtocol: 'tls', address: '203.0.113.9', port: 50000 },
    remote: { type: 'host', protocol: 'udp', address: '198.51.100.7', port: 40000 },
    rttMs: 21,
  });
});

test('selectedPairOf() reads Firefox\'s `selected` pair (ip, no transport stats) and averages the RTT when there is no current one', () => {
  const stats = [
    { id: 'p', type: 'candidate-pair', selected: true, localCandidateId: 'l', remoteCandidateId: 'r', totalRoundTripTime: 0.03, responsesReceived: 3 },
    { id: 'l', type: 'local-candidate', candidateType: 'host', protocol: 'tcp', ip: '10.0.0.2', port: 9 },
    { id: 'r', type: 'remote-candidate', candidateType: 'host', protocol: 'tcp', address: '198.51.100.7', port: 443 },
  ];
  const pair = selectedPairOf(stats)!;
  assert.deepEqual(pair.local, { type: 'host', protocol: 'tcp', address: '10.0.0.2', port: 9 });
  assert.equal(pair.remote.port, 443);
  assert.ok(Math.abs(pair.rttMs! - 10) < 1e-9);
});

test('selectedPairOf() is undefined before ICE selected a pair', () => {
  assert.equal(selectedPairOf([{ id: 'p', type: 'candidate-pair', state: 'in-progress', localCandidateId: 'l', remoteCandidateId: 'r' }]), undefined);
  assert.equal(selectedPairOf([]), undefined);
});
