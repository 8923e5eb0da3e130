import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attr, StunClass, StunMethod, canonicalIP, decodeStun, encodeMessage, errorCode, formatIPv6, getAttribute, parseIPv6, saslprep,
  checkFingerprint, unknownAttributes, verifyIntegrity, xorAddress,
} from '../../src/stun/index.ts';

const txid = Buffer.from('0123456789ab');

test('encodeMessage()/decodeStun() round-trip every class, method and attribute kind', () => {
  for (const cls of [StunClass.Request, StunClass.Indication, StunClass.SuccessResponse, StunClass.ErrorResponse]) {
    for (const method of Object.values(StunMethod)) {
      const bytes = encodeMessage(cls, method, txid, [
        { type: Attr.ErrorCode, value: errorCode.encode(438) },
        { type: Attr.XorPeerAddress, value: xorAddress.encode({ family: 6, address: '2001:db8::1', port: 3478 }, txid) },
        { type: Attr.UnknownAttributes, value: unknownAttributes.encode([0x1a, 0x7ff]) },
        { type: Attr.Data, value: Buffer.from('odd') },
      ], { integrityKey: Buffer.from('k'), integritySha256Key: Buffer.from('k'), fingerprint: true });
      const r = decodeStun(bytes);
      assert.ok(r.ok);
      assert.equal(r.message.cls, cls);
      assert.equal(r.message.method, method);
      assert.deepEqual(errorCode.decode(getAttribute(r.message, Attr.ErrorCode)!.value), { code: 438, reason: 'Stale Nonce' });
      assert.deepEqual(xorAddress.decode(getAttribute(r.message, Attr.XorPeerAddress)!.value, txid), { family: 6, address: '2001:db8::1', port: 3478 });
      assert.deepEqual(unknownAttributes.decode(getAttribute(r.message, Attr.UnknownAttributes)!.value), [0x1a, 0x7ff]);
      assert.equal(getAttribute(r.message, Attr.Data)!.value.toString(), 'odd');
      assert.ok(checkFingerprint(r.message));
      assert.equal(verifyIntegrity(r.message, Buffer.from('k')), 'valid', 'SHA256 integrity is preferred and valid');
    }
  }
});

test('decodeStun() returns an error, never throws, on malformed input', () => {
  const good = encodeMessage(StunClass.Request, StunMethod.Binding, txid, [{ type: Attr.Software, value: Buffer.from('abc') }]);
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['short header', good.subarray(0, 19)],
    ['top bits', Buffer.concat([Buffer.from([0xc0]), good.subarray(1)])],
    ['cookie', Buffer.concat([good.subarray(0, 4), Buffer.from([0, 0, 0, 0]), good.subarray(8)])],
    ['length not /4', (() => { const b = Buffer.from(good); b.writeUInt16BE(5, 2); return b; })()],
    ['length too long', (() => { const b = Buffer.from(good); b.writeUInt16BE(64, 2); return b; })()],
    ['attribute overrun', (() => { const b = Buffer.from(good); b.writeUInt16BE(200, 22); return b; })()],
    ['truncated message', good.subarray(0, good.length - 4)],
  ];
  for (const [name, bytes] of cases) {
    const r = decodeStun(bytes);
    assert.equal(r.ok, false, name);
  }
});

test('FINGERPRINT must be last, and a corrupted FINGERPRINT is detected', () => {
  const bytes = encodeMessage(StunClass.Request, StunMethod.Binding, txid, [], { fingerprint: true });
  const corrupted = Buffer.from(bytes);
  corrupted[corrupted.length - 1]! ^= 1;
  const r = decodeStun(corrupted);
  assert.ok(r.ok && !checkFingerprint(r.message));
  const after = Buffer.concat([bytes, Buffer.from([0x80, 0x22, 0, 0])]);
  after.writeUInt16BE(after.length - 20, 2);
  assert.equal(decodeStun(after).ok, false);
});

test('attributes after MESSAGE-INTEGRITY are ignored, except FINGERPRINT', () => {
  const base = encodeMessage(StunClass.Request, StunMethod.Binding, txid, [], { integrityKey: Buffer.from('k') });
  const extra = Buffer.concat([base, Buffer.from([0x80, 0x22, 0, 4, 0x41, 0x41, 0x41, 0x41])]);
  extra.writeUInt16BE(extra.length - 20, 2);
  const r = decodeStun(extra);
  assert.ok(r.ok);
  assert.equal(getAttribute(r.message, Attr.Software), undefined);
});

test('IPv6 text is parsed and printed in RFC 5952 form; IPv4-mapped addresses are unwrapped', () => {
  assert.equal(formatIPv6(parseIPv6('2001:0db8:0000:0000:0000:0000:0000:0001')!), '2001:db8::1');
  assert.equal(formatIPv6(parseIPv6('::')!), '::');
  assert.equal(formatIPv6(parseIPv6('1:0:0:2:0:0:0:3')!), '1:0:0:2::3');
  assert.equal(formatIPv6(parseIPv6('::ffff:1.2.3.4')!), '::ffff:102:304');
  assert.equal(canonicalIP('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(canonicalIP('::FFFF:7f00:1'), '127.0.0.1');
  for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', ':::', 'g::1']) assert.equal(parseIPv6(bad), undefined, bad);
});

test('saslprep() maps, normalises and refuses what RFC 4013 refuses', () => {
  assert.deepEqual(saslprep('I\u00ADX'), { ok: true, value: 'IX' });
  assert.deepEqual(saslprep('user'), { ok: true, value: 'user' });
  assert.deepEqual(saslprep('\u00AA'), { ok: true, value: 'a' });
  assert.deepEqual(saslprep('a\u00A0b'), { ok: true, value: 'a b' });
  assert.equal(saslprep('\u0007').ok, false);
  assert.equal(saslprep('\u0627\u0031').ok, false, 'RandALCat must also end the string');
  assert.equal(saslprep('\u0627a\u0627').ok, false, 'no mixing of directions');
});
