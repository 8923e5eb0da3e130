// Structure-aware mutations of TURN requests on a live allocation. A message is kept as a draft (class,
// method, attribute list); mutations change attributes and values, and the draft is then signed like a
// real client would (USERNAME, REALM, NONCE, MESSAGE-INTEGRITY, FINGERPRINT computed after the
// mutation), so the server's handlers see the mutated input instead of refusing it at authentication.
import { randomBytes } from 'node:crypto';
import {
  Attr, StunClass, StunMethod, encodeMessage, longTermKey, text, u32, xorAddress, type StunClass as Cls,
} from '../../../packages/turn/src/stun/index.ts';
import { channelNumber, encodeChannelData, requestedAddressFamily } from '../../../packages/turn/src/wire/index.ts';

/** mulberry32: a small seeded PRNG, so a failure can be replayed from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(list: readonly T[]): T => list[int(list.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}
export type Rng = ReturnType<typeof prng>;

export interface Draft {
  cls: Cls;
  method: number;
  txid: Buffer;
  attrs: { type: number; value: Uint8Array }[];
}

export interface Session {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  /** The loopback address of the echo peers. */
  peerAddress: string;
  /** The echo peer Send indications go to. */
  sendPort: number;
  /** Channels this allocation has bound, each to its own echo peer (mutations also pick unbound ones). */
  channels: { number: number; port: number }[];
}

/** Peer addresses a mutation may put in XOR-PEER-ADDRESS: loopback, TEST-NETs, and ranges the policy denies. */
const PEERS = [
  '127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '::ffff:127.0.0.1', '0.0.0.0', '10.0.0.1', '169.254.169.254', '224.0.0.1',
  '255.255.255.255', '198.51.100.1', '203.0.113.9', '2001:db8::1', 'fe80::1', '::', '::127.0.0.1', '64:ff9b::7f00:1',
];
const LIFETIMES = [0, 1, 599, 600, 601, 3600, 3601, 0x7fffffff, 0xffffffff];
const CHANNELS = [0, 0x3fff, 0x4000, 0x4001, 0x4fff, 0x5000, 0x7fff, 0x8000, 0xffff];
/** Types never inserted: the auth attributes are appended when signing, and must stay valid. */
const AUTH_TYPES = new Set<number>([Attr.Username, Attr.Realm, Attr.Nonce, Attr.MessageIntegrity, Attr.MessageIntegritySha256, Attr.Fingerprint, Attr.Userhash]);
const INSERTABLE = [
  Attr.Lifetime, Attr.XorPeerAddress, Attr.ChannelNumber, Attr.Data, Attr.RequestedAddressFamily, Attr.EvenPort, Attr.RequestedTransport,
  Attr.DontFragment, Attr.ReservationToken, Attr.Software, Attr.IcmpAttr, Attr.AdditionalAddressFamily, Attr.PasswordAlgorithm,
];
const METHODS = [StunMethod.Refresh, StunMethod.CreatePermission, StunMethod.ChannelBind, StunMethod.Send, StunMethod.Allocate, StunMethod.Binding, StunMethod.Data];

function peerValue(rng: Rng, s: Session, txid: Buffer): Buffer {
  const address = rng.next() < 0.5 ? s.peerAddress : rng.pick(PEERS);
  const port = rng.pick([s.sendPort, rng.pick(s.channels).port, 0, 1, 9, 65535, rng.int(65536)]);
  const value = xorAddress.encode({ family: address.includes(':') ? 6 : 4, address, port }, txid);
  if (rng.next() < 0.1) value[1] = rng.pick([0, 3, 0xff]); // an unknown family byte
  return value;
}

/** A value that makes sense for the attribute type, or close to it. */
function semanticValue(rng: Rng, type: number, s: Session, txid: Buffer): Uint8Array {
  switch (type) {
    case Attr.Lifetime: return u32.encode(rng.next() < 0.8 ? rng.pick(LIFETIMES) : rng.int(0x100000000));
    case Attr.ChannelNumber: {
      const v = channelNumber.encode(rng.next() < 0.3 ? rng.pick(s.channels).number : rng.next() < 0.7 ? rng.pick(CHANNELS) : rng.int(0x10000));
      if (rng.next() < 0.1) v.writeUInt16BE(rng.int(0x10000), 2); // RFFU bytes set
      return v;
    }
    case Attr.XorPeerAddress: return peerValue(rng, s, txid);
    case Attr.Data: return rng.bytes(rng.pick([0, 1, 4, 100, 1200, rng.int(2000)]));
    case Attr.RequestedAddressFamily: return rng.next() < 0.7 ? requestedAddressFamily.encode(rng.next() < 0.5 ? 4 : 6) : Buffer.from([rng.int(256), 0, 0, 0]);
    default: return rng.bytes(rng.pick([0, 1, 4, 8, 20, rng.int(64)]));
  }
}

/** The valid request (or Send indication) a client sends on its allocation. */
export function template(rng: Rng, method: number, s: Session): Draft {
  const txid = randomBytes(12);
  const peer = (port: number) => ({ type: Attr.XorPeerAddress, value: xorAddress.encode({ family: 4, address: s.peerAddress, port }, txid) });
  switch (method) {
    case StunMethod.Refresh:
      return { cls: StunClass.Request, method, txid, attrs: [{ type: Attr.Lifetime, value: u32.encode(600) }] };
    case StunMethod.CreatePermission:
      return { cls: StunClass.Request, method, txid, attrs: Array.from({ length: 1 + rng.int(3) }, () => peer(s.sendPort)) };
    case StunMethod.ChannelBind: { // refreshes one of the bindings
      const channel = rng.pick(s.channels);
      return { cls: StunClass.Request, method, txid, attrs: [{ type: Attr.ChannelNumber, value: channelNumber.encode(channel.number) }, peer(channel.port)] };
    }
    default:
      return { cls: StunClass.Indication, method: StunMethod.Send, txid, attrs: [peer(s.sendPort), { type: Attr.Data, value: rng.bytes(1 + rng.int(200)) }] };
  }
}

/** One to three mutations of attributes and values (and, rarely, of the method or class). */
export function mutate(rng: Rng, d: Draft, s: Session): Draft {
  const attrs: Draft['attrs'] = d.attrs.map((a) => ({ type: a.type, value: Buffer.from(a.value) }));
  let { cls, method } = d;
  const some = () => (attrs.length > 0 ? attrs[rng.int(attrs.length)] : undefined);
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const a = some();
    switch (rng.int(10)) {
      case 0: // flip bytes inside a value
        if (a && a.value.length > 0) for (let i = 1 + rng.int(3); i > 0; i--) a.value[rng.int(a.value.length)] = rng.int(256);
        break;
      case 1: // shorten or lengthen a value
        if (a) a.value = rng.next() < 0.5 ? a.value.subarray(0, rng.int(a.value.length + 1)) : Buffer.concat([a.value, rng.bytes(1 + rng.int(24))]);
        break;
      case 2: case 3: // another value that makes sense for the type
        if (a) a.value = semanticValue(rng, a.type, s, d.txid);
        break;
      case 4: // drop an attribute
        if (a) attrs.splice(attrs.indexOf(a), 1);
        break;
      case 5: // repeat an attribute, with another value
        if (a) attrs.splice(rng.int(attrs.length + 1), 0, { type: a.type, value: semanticValue(rng, a.type, s, d.txid) });
        break;
      case 6: { // insert an attribute this method may or may not know
        let type = rng.next() < 0.7 ? rng.pick(INSERTABLE) : rng.int(0x10000);
        if (AUTH_TYPES.has(type)) type = Attr.Software;
        attrs.splice(rng.int(attrs.length + 1), 0, { type, value: semanticValue(rng, type, s, d.txid) });
        break;
      }
      case 7: // reorder
        attrs.sort(() => rng.next() - 0.5);
        break;
      case 8: // another method with the same attributes
        method = rng.next() < 0.9 ? rng.pick(METHODS) : rng.int(0x1000);
        break;
      default: // request ⇄ indication
        if (rng.next() < 0.3) cls = cls === StunClass.Request ? StunClass.Indication : StunClass.Request;
        break;
    }
  }
  return { cls, method, txid: d.txid, attrs };
}

/** Encodes a draft. Requests are signed with the session's long-term key after the mutation. */
export function sign(d: Draft, s: Session): Buffer {
  if (d.cls !== StunClass.Request) return encodeMessage(d.cls, d.method, d.txid, d.attrs, { fingerprint: true });
  const auth = [
    { type: Attr.Username, value: text.encode(s.username) },
    { type: Attr.Realm, value: text.encode(s.realm) },
    { type: Attr.Nonce, value: text.encode(s.nonce) },
  ];
  return encodeMessage(d.cls, d.method, d.txid, [...d.attrs, ...auth], { integrityKey: longTermKey(s.username, s.realm, s.password), fingerprint: true });
}

/**
 * A mutated ChannelData frame. On a stream the frame stays well-formed (a bad length ends the
 * connection; the framer's property tests cover that): channel and payload change. On UDP the length
 * field may lie and the channel may leave the ChannelData range.
 */
export function mutatedChannelData(rng: Rng, s: Session, stream: boolean): Buffer {
  const channel = rng.next() < 0.6 ? rng.pick(s.channels).number : stream ? 0x4000 + rng.int(0x4000) : rng.pick([...CHANNELS, rng.int(0x10000)]);
  const data = rng.bytes(rng.pick([0, 1, 3, 100, 1200, rng.int(1500)]));
  const frame = encodeChannelData(channel & 0xffff, data, stream);
  if (!stream && rng.next() < 0.3) frame.writeUInt16BE(rng.pick([0, data.length + 1, data.length + 100, 0xffff, rng.int(0x10000)]), 2);
  return frame;
}
