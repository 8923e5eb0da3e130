// Data indication (RFC 8656 §11.4): how peer data reaches a client that has no channel for the peer.
import { Attr, StunClass, StunMethod, encodeMessage, xorAddress } from '../stun/index.ts';
import { randomFillSync } from 'node:crypto';
import type { Remote } from './types.ts';

const txid = Buffer.alloc(12);

export function encodeDataIndication(from: Remote, data: Buffer): Buffer {
  // Indications need no unique transaction id for matching; a random one per message is still
  // expected by some clients, and costs little next to the copy of the data.
  randomFillSync(txid);
  const family = from.address.includes(':') ? 6 : 4;
  return encodeMessage(StunClass.Indication, StunMethod.Data, txid, [
    { type: Attr.XorPeerAddress, value: xorAddress.encode({ family, address: from.address, port: from.port }, txid) },
    { type: Attr.Data, value: data },
  ]);
}
