// Builds TURN client requests and reads responses, with the project's own codec. Shared by the
// protocol tests (fake I/O) and the socket tests.
import { randomBytes } from 'node:crypto';
import {
  Attr, StunClass, StunMethod, decodeStun, encodeMessage, errorCode, getAttribute, longTermKey, text, u32, xorAddress,
  type OutgoingAttribute, type StunMessage, type TransportAddress,
} from '../../src/stun/index.ts';
import { channelNumber, requestedTransport, reservationToken } from '../../src/wire/index.ts';

export interface Credentials {
  username: string;
  password: string;
  realm?: string;
  nonce?: string;
}

export function peerAttr(address: string, port: number, txid: Buffer): OutgoingAttribute {
  return { type: Attr.XorPeerAddress, value: xorAddress.encode({ family: address.includes(':') ? 6 : 4, address, port }, txid) };
}

export function buildRequest(method: number, attrs: (txid: Buffer) => OutgoingAttribute[], creds?: Credentials, txid: Buffer = randomBytes(12)): { bytes: Buffer; txid: Buffer } {
  const list = attrs(txid);
  let key: Buffer | undefined;
  if (creds?.realm && creds.nonce) {
    list.push(
      { type: Attr.Username, value: text.encode(creds.username) },
      { type: Attr.Realm, value: text.encode(creds.realm) },
      { type: Attr.Nonce, value: text.encode(creds.nonce) },
    );
    key = longTermKey(creds.username, creds.realm, creds.password);
  }
  return { bytes: encodeMessage(StunClass.Request, method, txid, list, { ...(key ? { integrityKey: key } : {}), fingerprint: true }), txid };
}

export const requests = {
  allocate: (creds?: Credentials, extra: OutgoingAttribute[] = [], txid?: Buffer) =>
    buildRequest(StunMethod.Allocate, () => [{ type: Attr.RequestedTransport, value: requestedTransport.encode(17) }, ...extra], creds, txid),
  refresh: (creds: Credentials, lifetime?: number) =>
    buildRequest(StunMethod.Refresh, () => (lifetime === undefined ? [] : [{ type: Attr.Lifetime, value: u32.encode(lifetime) }]), creds),
  createPermission: (creds: Credentials, peers: string[]) =>
    buildRequest(StunMethod.CreatePermission, (txid) => peers.map((p) => peerAttr(p, 0, txid)), creds),
  channelBind: (creds: Credentials, channel: number, peer: string, port: number) =>
    buildRequest(StunMethod.ChannelBind, (txid) => [{ type: Attr.ChannelNumber, value: channelNumber.encode(channel) }, peerAttr(peer, port, txid)], creds),
  send: (peer: string, port: number, data: Buffer) => {
    const txid = randomBytes(12);
    return encodeMessage(StunClass.Indication, StunMethod.Send, txid, [peerAttr(peer, port, txid), { type: Attr.Data, value: data }]);
  },
  binding: () => buildRequest(StunMethod.Binding, () => []),
};

export interface ReadResponse {
  msg: StunMessage;
  code?: number;
  nonce?: string;
  realm?: string;
  relayed?: TransportAddress;
  mapped?: TransportAddress;
  lifetime?: number;
  unknown?: number[];
  reservationToken?: Buffer;
}

export function readResponse(bytes: Buffer): ReadResponse {
  const r = decodeStun(bytes);
  if (!r.ok) throw new Error(`not a STUN message: ${r.error}`);
  const msg = r.message;
  const out: ReadResponse = { msg };
  const err = getAttribute(msg, Attr.ErrorCode);
  if (err) out.code = errorCode.decode(err.value)?.code;
  const nonce = getAttribute(msg, Attr.Nonce);
  if (nonce) out.nonce = nonce.value.toString('utf8');
  const realm = getAttribute(msg, Attr.Realm);
  if (realm) out.realm = realm.value.toString('utf8');
  const relayed = getAttribute(msg, Attr.XorRelayedAddress);
  if (relayed) out.relayed = xorAddress.decode(relayed.value, msg.transactionId);
  const mapped = getAttribute(msg, Attr.XorMappedAddress);
  if (mapped) out.mapped = xorAddress.decode(mapped.value, msg.transactionId);
  const lifetime = getAttribute(msg, Attr.Lifetime);
  if (lifetime) out.lifetime = u32.decode(lifetime.value);
  const token = getAttribute(msg, Attr.ReservationToken);
  if (token) out.reservationToken = reservationToken.decode(token.value);
  const unknown = getAttribute(msg, Attr.UnknownAttributes);
  if (unknown) out.unknown = [...unknown.value].length ? Array.from({ length: unknown.value.length / 2 }, (_, i) => unknown.value.readUInt16BE(i * 2)) : [];
  return out;
}

export { StunClass, StunMethod };
