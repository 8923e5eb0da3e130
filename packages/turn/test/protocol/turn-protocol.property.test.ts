// Properties of the sans-I/O TURN state machine (fast-check): an authenticated client on a live
// allocation sends requests with arbitrary attributes, or arbitrary bytes; the protocol never throws,
// answers every request exactly once, and never answers an indication or ChannelData.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { Attr, StunClass, StunMethod, decodeStun, encodeMessage } from '../../src/stun/index.ts';
import { createHarness, FakeClientTransport, settle } from '../support/fake-io.ts';
import { buildRequest, readResponse, requests, type Credentials } from '../support/turn-messages.ts';

const client = { address: '198.51.100.7', port: 40000 };
const KEY = 'u|198.51.100.7|40000';

async function allocated() {
  const h = createHarness({ policy: { allowed: ['203.0.113.0/24'] } });
  const t = new FakeClientTransport();
  h.protocol.handleClientData(t, client, KEY, requests.allocate().bytes);
  await settle();
  const challenge = readResponse(t.take()[0]!);
  const creds: Credentials = { username: 'alice', password: 'secret', realm: challenge.realm!, nonce: challenge.nonce! };
  h.protocol.handleClientData(t, client, KEY, requests.allocate(creds).bytes);
  await settle();
  assert.equal(readResponse(t.take()[0]!).msg.cls, StunClass.SuccessResponse);
  return { h, t, creds };
}

/** Attribute values: mostly plausible sizes for the TURN attributes, sometimes anything. */
const attribute = fc.record({
  type: fc.oneof(
    fc.constantFrom(Attr.XorPeerAddress, Attr.Lifetime, Attr.ChannelNumber, Attr.Data, Attr.RequestedAddressFamily, Attr.EvenPort,
      Attr.RequestedTransport, Attr.DontFragment, Attr.ReservationToken, Attr.Software),
    fc.integer({ min: 0, max: 0xffff }).filter((t) => ![Attr.MessageIntegrity, Attr.MessageIntegritySha256, Attr.Fingerprint, Attr.Username, Attr.Realm, Attr.Nonce].includes(t as never)),
  ),
  value: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ maxLength: 64 })),
});

const REQUESTS = [StunMethod.Refresh, StunMethod.CreatePermission, StunMethod.ChannelBind, StunMethod.Allocate, StunMethod.Binding, StunMethod.Send];

test('authenticated requests with arbitrary attributes are each answered exactly once, Send indications never, and nothing throws', async () => {
  const message = fc.record({ indication: fc.boolean(), method: fc.constantFrom(...REQUESTS), attrs: fc.array(attribute, { maxLength: 5 }) });
  await fc.assert(fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 6 }), async (list) => {
    const { h, t, creds } = await allocated();
    for (const { indication, method, attrs } of list) {
      const txid = randomBytes(12);
      const bytes = indication
        ? encodeMessage(StunClass.Indication, StunMethod.Send, txid, attrs)
        : buildRequest(method, () => attrs, creds, txid).bytes;
      h.protocol.handleClientData(t, client, KEY, bytes);
      await settle();
      const out = t.take().map((b) => decodeStun(b)).filter((d) => d.ok).map((d) => d.message);
      if (indication) {
        assert.equal(out.length, 0, 'a Send indication is never answered');
        continue;
      }
      assert.equal(out.length, 1, `one answer to method ${method}`);
      assert.deepEqual(out[0]!.transactionId, txid);
    }
  }), { numRuns: 200 });
});

test('arbitrary bytes from a client with an allocation never make the protocol throw or answer ChannelData', async () => {
  const { h, t } = await allocated();
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }).map((b) => Buffer.from(b)), (bytes) => {
    h.protocol.handleClientData(t, client, KEY, bytes);
    if ((bytes[0]! & 0xc0) === 0x40) assert.equal(t.take().length, 0);
  }), { numRuns: 3000 });
});
