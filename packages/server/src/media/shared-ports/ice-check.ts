// Which session a packet on a shared media port belongs to, decided by the one thing a stranger
// cannot forge: an ICE connectivity check (STUN Binding request, RFC 8445 §7.2.2) whose USERNAME
// names the session's ufrag and whose MESSAGE-INTEGRITY verifies with the session's ICE password.
// Pure: no sockets, no state.
import { Attr, StunClass, StunMethod, decodeStun, getAttribute, looksLikeStun, verifyIntegrity, type StunMessage } from '@traverse/turn/stun';

/** An ICE agent's short-term credential, as the shared ports know a session. */
export interface IceCredential {
  ufrag: string;
  password: string;
}

/** The first byte of a STUN message is 0–3 (RFC 7983): cheaper than decoding, for the hot path. */
export function mayBeStun(data: Buffer): boolean {
  return data.length >= 20 && data[0]! < 4;
}

function bindingRequest(data: Buffer): { message: StunMessage; ufrag: string } | undefined {
  if (!looksLikeStun(data)) return undefined;
  const decoded = decodeStun(data);
  if (!decoded.ok) return undefined;
  const message = decoded.message;
  if (message.cls !== StunClass.Request || message.method !== StunMethod.Binding) return undefined;
  const username = getAttribute(message, Attr.Username)?.value.toString('utf8');
  const colon = username?.indexOf(':') ?? -1;
  return colon > 0 ? { message, ufrag: username!.slice(0, colon) } : undefined;
}

/**
 * The local ufrag a Binding request names (`<ours>:<theirs>` in USERNAME), or undefined for anything
 * else (not STUN, not a Binding request, no USERNAME). Says nothing about integrity.
 */
export function checkedUfrag(data: Buffer): string | undefined {
  return bindingRequest(data)?.ufrag;
}

/**
 * The credential among `known` that this packet is an authenticated check for, or undefined. `known`
 * maps a ufrag to the credentials that use it: werift's ufrags have 16 random bits, so two live
 * sessions may share one, and the password tells them apart.
 */
export function authenticatedCheck<T extends IceCredential>(data: Buffer, known: ReadonlyMap<string, readonly T[]>): T | undefined {
  const request = bindingRequest(data);
  const candidates = request && known.get(request.ufrag);
  if (!request || !candidates) return undefined;
  return candidates.find((c) => verifyIntegrity(request.message, Buffer.from(c.password, 'utf8')) === 'valid');
}
