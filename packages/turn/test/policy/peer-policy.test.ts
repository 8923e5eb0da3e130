import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpRangeSet, PeerPolicy, RateLimiter, parseIpRange } from '../../src/policy/index.ts';
import { parseIP } from '../../src/stun/index.ts';

test('parseIpRange() reads addresses, CIDRs and a-b ranges of both families', () => {
  assert.deepEqual(parseIpRange('10.0.0.0/8')?.text, '10.0.0.0/8');
  const set = new IpRangeSet([parseIpRange('10.0.0.0/8')!, parseIpRange('192.0.2.10-192.0.2.20')!, parseIpRange('fe80::/10')!, parseIpRange('::1')!]);
  for (const yes of ['10.255.1.1', '192.0.2.15', 'fe80::1', '::1', '::ffff:10.1.1.1']) assert.ok(set.find(parseIP(yes)!), yes);
  for (const no of ['11.0.0.1', '192.0.2.21', 'fec0::1', '::2']) assert.equal(set.find(parseIP(no)!), undefined, no);
  for (const bad of ['10.0.0.0/33', '1.2.3', '10.0.0.9-10.0.0.1', 'fe80::/129', '1.2.3.4-::1', 'x']) assert.equal(parseIpRange(bad), undefined, bad);
});

test('PeerPolicy denies loopback, private, link-local, multicast and own addresses by default', () => {
  const p = new PeerPolicy({ ownAddresses: ['203.0.113.1'] });
  for (const addr of ['127.0.0.1', '127.8.8.8', '0.0.0.0', '10.0.0.1', '172.16.5.5', '192.168.0.1', '100.64.0.1', '169.254.169.254',
    '224.0.0.1', '255.255.255.255', '::', '::1', 'fc00::1', 'fd12::1', 'fe80::1', 'ff02::1', '203.0.113.1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    '::7f00:1', '::a00:1']) { // IPv4-compatible forms of 127.0.0.1 and 10.0.0.1
    assert.equal(p.check(addr).allowed, false, addr);
  }
  for (const addr of ['8.8.8.8', '203.0.113.2', '2606:4700::1111']) assert.equal(p.check(addr).allowed, true, addr);
});

test('PeerPolicy: allowed ranges win, denied ranges add, allowLoopback opens loopback and own addresses', () => {
  const p = new PeerPolicy({ allowed: ['10.1.0.0/16'], denied: ['8.8.8.0/24'], ownAddresses: ['198.51.100.1'] });
  assert.equal(p.check('10.1.2.3').allowed, true);
  assert.equal(p.check('10.2.2.3').allowed, false);
  assert.equal(p.check('8.8.8.8').allowed, false);
  const open = new PeerPolicy({ allowLoopback: true, ownAddresses: ['198.51.100.1'] });
  assert.equal(open.check('127.0.0.1').allowed, true);
  assert.equal(open.check('198.51.100.1').allowed, true);
  assert.equal(open.check('10.0.0.1').allowed, false, 'private ranges stay closed');
  assert.throws(() => new PeerPolicy({ allowed: ['nonsense'] }), /allowedPeerIps/);
});

test('PeerPolicy: allowedPorts confines the allowed ranges to those ports; addresses alone still pass', () => {
  const p = new PeerPolicy({ allowed: ['10.1.0.5'], allowedPorts: [40000, 44999] });
  assert.equal(p.check('10.1.0.5').allowed, true, 'no port: CreatePermission');
  assert.equal(p.check('10.1.0.5', 40000).allowed, true);
  assert.equal(p.check('10.1.0.5', 44999).allowed, true);
  const dns = p.check('10.1.0.5', 53);
  assert.ok(!dns.allowed && /port 53 .* outside the allowed peer ports 40000-44999/.test(dns.reason), JSON.stringify(dns));
  assert.equal(p.check('10.1.0.6', 40000).allowed, false, 'other private addresses stay closed');
  assert.equal(p.check('8.8.8.8', 53).allowed, true, 'public peers are not port-restricted');
});

test('RateLimiter allows a burst, then refills over time, and bounds its memory', () => {
  const r = new RateLimiter({ burst: 3, perSecond: 1, maxKeys: 2 });
  for (let i = 0; i < 3; i++) {
    assert.ok(r.allows('a', 0));
    r.record('a', 0);
  }
  assert.equal(r.allows('a', 0), false);
  assert.equal(r.allows('a', 1500), true);
  r.record('b', 0);
  r.record('c', 0);
  assert.equal(r.size, 2);
});
