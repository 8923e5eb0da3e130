// Building STUN responses for a request: success and error, with the integrity and fingerprint
// the request calls for.
import {
  Attr, StunClass, encodeMessage, errorCode, getAttribute, text, unknownAttributes, xorAddress,
  type OutgoingAttribute, type StunMessage,
} from '../stun/index.ts';
import type { Remote } from './types.ts';

export const SOFTWARE = 'Traverse TURN';

export interface ResponseContext {
  request: StunMessage;
  /** Integrity key when the request was authenticated. */
  key?: Buffer;
}

function wantsFingerprint(request: StunMessage): boolean {
  return getAttribute(request, Attr.Fingerprint) !== undefined;
}

export function successResponse(ctx: ResponseContext, attributes: OutgoingAttribute[]): Buffer {
  return encodeMessage(StunClass.SuccessResponse, ctx.request.method, ctx.request.transactionId, attributes, {
    ...(ctx.key ? { integrityKey: ctx.key } : {}),
    fingerprint: wantsFingerprint(ctx.request),
  });
}

export function errorResponse(ctx: ResponseContext, code: number, extra: OutgoingAttribute[] = [], reason?: string): Buffer {
  return encodeMessage(
    StunClass.ErrorResponse,
    ctx.request.method,
    ctx.request.transactionId,
    [{ type: Attr.ErrorCode, value: errorCode.encode(code, reason) }, ...extra],
    { ...(ctx.key ? { integrityKey: ctx.key } : {}), fingerprint: wantsFingerprint(ctx.request) },
  );
}

export function unknownAttributesResponse(ctx: ResponseContext, types: number[]): Buffer {
  return errorResponse(ctx, 420, [{ type: Attr.UnknownAttributes, value: unknownAttributes.encode(types) }]);
}

export function challengeAttributes(realm: string, nonce: string): OutgoingAttribute[] {
  return [
    { type: Attr.Realm, value: text.encode(realm) },
    { type: Attr.Nonce, value: text.encode(nonce) },
  ];
}

export function xorMapped(remote: Remote, request: StunMessage): OutgoingAttribute {
  const family = remote.address.includes(':') ? 6 : 4;
  return { type: Attr.XorMappedAddress, value: xorAddress.encode({ family, address: remote.address, port: remote.port }, request.transactionId) };
}

export function software(): OutgoingAttribute {
  return { type: Attr.Software, value: text.encode(SOFTWARE) };
}

/** Comprehension-required attribute types in `request` outside `known`. */
export function unknownRequired(request: StunMessage, known: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (const a of request.attributes) if (a.type < 0x8000 && !known.has(a.type)) out.push(a.type);
  return out;
}
