// RFC 5769 test vectors (research/rfc5769-vectors.txt), checked byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Attr, StunClass, StunMethod, checkFingerprint, decodeStun, encodeMessage, getAttribute, longTermKey, saslprep,
  text, u32, verifyIntegrity, xorAddress,
} from '../../src/stun/index.ts';

const vectorFile = fileURLToPath(new URL('../fixtures/rfc5769-vectors.txt', import.meta.url));

function vectors(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  let name = '';
  for (const line of readFileSync(vectorFile, 'utf8').split('\n')) {
    const header = /^\[([\w-]+)\]/.exec(line);
    if (header) { name = header[1]!; out[name] = Buffer.alloc(0); continue; }
    if (name && /^([0-9a-f]{2} ){3}[0-9a-f]{2}\s*$/.test(line)) out[name] = Buffer.concat([out[name]!, Buffer.from(line.replace(/\s/g, ''), 'hex')]);
    else if (name && line.trim() === '') name = '';
  }
  return out;
}

const V = vectors();
const shortTermKey = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt', 'utf8');

test('the fixture holds all four RFC 5769 messages with their published sizes', () => {
  assert.equal(V['sample-request']?.length, 108);
  assert.equal(V['sample-ipv4-response']?.length, 80);
  assert.equal(V['sample-ipv6-response']?.length, 92);
  assert.equal(V['sample-request-long-term-auth']?.length, 116);
});

test('RFC 5769 §2.1: request decodes, FINGERPRINT and MESSAGE-INTEGRITY verify', () => {
  const r = decodeStun(V['sample-request']!);
  assert.ok(r.ok);
  const m = r.message;
  assert.equal(m.cls, StunClass.Request);
  assert.equal(m.method, StunMethod.Binding);
  assert.equal(text.decode(getAttribute(m, Attr.Software)!.value, 763), 'STUN test client');
  assert.equal(text.decode(getAttribute(m, Attr.Username)!.value, 513), 'evtj:h6vY');
  assert.equal(u32.decode(getAttribute(m, Attr.Priority)!.value), 0x6e0001ff);
  assert.ok(checkFingerprint(m));
  assert.equal(verifyIntegrity(m, shortTermKey), 'valid');
  assert.equal(verifyIntegrity(m, Buffer.from('wrong')), 'invalid');
});

test('RFC 5769 §2.1: re-encoding with 0x20 padding reproduces the bytes exactly', () => {
  const r = decodeStun(V['sample-request']!);
  assert.ok(r.ok);
  const attrs = r.message.attributes
    .filter((a) => a.type !== Attr.MessageIntegrity && a.type !== Attr.Fingerprint)
    .map((a) => ({ type: a.type, value: a.value }));
  const bytes = encodeMessage(StunClass.Request, StunMethod.Binding, r.message.transactionId, attrs, {
    integrityKey: shortTermKey, fingerprint: true, paddingByte: 0x20,
  });
  assert.deepEqual(bytes, V['sample-request']);
});

test('RFC 5769 §2.2: IPv4 response has XOR-MAPPED-ADDRESS 192.0.2.1:32853', () => {
  const r = decodeStun(V['sample-ipv4-response']!);
  assert.ok(r.ok);
  assert.equal(r.message.cls, StunClass.SuccessResponse);
  const addr = xorAddress.decode(getAttribute(r.message, Attr.XorMappedAddress)!.value, r.message.transactionId);
  assert.deepEqual(addr, { family: 4, address: '192.0.2.1', port: 32853 });
  assert.ok(checkFingerprint(r.message));
  assert.equal(verifyIntegrity(r.message, shortTermKey), 'valid');
});

test('RFC 5769 §2.3: IPv6 response has XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853', () => {
  const r = decodeStun(V['sample-ipv6-response']!);
  assert.ok(r.ok);
  const addr = xorAddress.decode(getAttribute(r.message, Attr.XorMappedAddress)!.value, r.message.transactionId);
  assert.deepEqual(addr, { family: 6, address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 });
  assert.ok(checkFingerprint(r.message));
  assert.equal(verifyIntegrity(r.message, shortTermKey), 'valid');
  // Encoding the address back gives the same attribute bytes.
  assert.deepEqual(xorAddress.encode(addr!, r.message.transactionId), getAttribute(r.message, Attr.XorMappedAddress)!.value);
});

test('RFC 5769 §2.4: long-term request verifies with the SASLprep-ed password', () => {
  const r = decodeStun(V['sample-request-long-term-auth']!);
  assert.ok(r.ok);
  const m = r.message;
  const username = text.decode(getAttribute(m, Attr.Username)!.value, 513)!;
  assert.equal(username, '\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9');
  assert.equal(text.decode(getAttribute(m, Attr.Realm)!.value, 763), 'example.org');
  assert.equal(text.decode(getAttribute(m, Attr.Nonce)!.value, 763), 'f//499k954d6OL34oL9FSTvy64sA');
  const password = saslprep('The\u00ADM\u00AAtr\u2168');
  assert.deepEqual(password, { ok: true, value: 'TheMatrIX' });
  assert.equal(verifyIntegrity(m, longTermKey(username, 'example.org', 'TheMatrIX')), 'valid');
  assert.equal(getAttribute(m, Attr.Fingerprint), undefined);
});
