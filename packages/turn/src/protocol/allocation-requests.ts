// Requests on an existing allocation: Refresh (RFC 8656 §7.3), CreatePermission (§9), ChannelBind
// (§12), and the Send indication (§11.3).
import { Attr, canonicalIP, getAttribute, u32, xorAddress, type StunMessage } from '../stun/index.ts';
import { channelNumber, isChannelNumber, requestedAddressFamily } from '../wire/index.ts';
import { peerKey, type Allocation } from './allocation.ts';
import { grantedLifetime } from './allocate.ts';
import type { ProtocolOptions } from './options.ts';
import { errorResponse, successResponse, unknownAttributesResponse, unknownRequired } from './responses.ts';
import type { AllocationEndReason, Remote } from './types.ts';

export interface AllocationContext {
  allocation: Allocation;
  options: ProtocolOptions;
  reject(code: number, reason: string, method: string): void;
  remove(reason: AllocationEndReason): void;
  refreshed(): void;
}

const AUTH_ATTRS = [Attr.Username, Attr.MessageIntegrity, Attr.MessageIntegritySha256, Attr.Realm, Attr.Nonce, Attr.Userhash, Attr.PasswordAlgorithm];
const KNOWN_REFRESH = new Set<number>([...AUTH_ATTRS, Attr.Lifetime, Attr.RequestedAddressFamily]);
const KNOWN_PERMISSION = new Set<number>([...AUTH_ATTRS, Attr.XorPeerAddress]);
const KNOWN_CHANNEL = new Set<number>([...AUTH_ATTRS, Attr.XorPeerAddress, Attr.ChannelNumber]);

function failWith(ctx: AllocationContext, msg: StunMessage, key: Buffer, method: string) {
  return (code: number, reason: string): Buffer => {
    ctx.reject(code, reason, method);
    return errorResponse({ request: msg, key }, code);
  };
}

function checkUnknown(ctx: AllocationContext, msg: StunMessage, key: Buffer, known: ReadonlySet<number>, method: string): Buffer | undefined {
  const unknown = unknownRequired(msg, known);
  if (unknown.length === 0) return undefined;
  ctx.reject(420, `unknown attributes ${unknown.map((t) => `0x${t.toString(16)}`).join(',')}`, method);
  return unknownAttributesResponse({ request: msg, key }, unknown);
}

export function handleRefresh(ctx: AllocationContext, msg: StunMessage, key: Buffer, nowMs: number): Buffer {
  const fail = failWith(ctx, msg, key, 'Refresh');
  const unknown = checkUnknown(ctx, msg, key, KNOWN_REFRESH, 'Refresh');
  if (unknown) return unknown;
  const a = ctx.allocation;
  const familyAttr = getAttribute(msg, Attr.RequestedAddressFamily);
  if (familyAttr) {
    const f = requestedAddressFamily.decode(familyAttr.value);
    if (f === undefined) return fail(400, 'malformed REQUESTED-ADDRESS-FAMILY');
    if (f !== a.relayedAddress.family) return fail(443, 'REQUESTED-ADDRESS-FAMILY differs from the allocation');
  }
  const lifetimeAttr = getAttribute(msg, Attr.Lifetime);
  const requested = lifetimeAttr ? u32.decode(lifetimeAttr.value) : undefined;
  if (lifetimeAttr && requested === undefined) return fail(400, 'malformed LIFETIME');
  if (requested === 0) {
    ctx.remove('deleted by client');
    return successResponse({ request: msg, key }, [{ type: Attr.Lifetime, value: u32.encode(0) }]);
  }
  const lifetime = grantedLifetime(ctx.options, requested);
  a.lifetimeSeconds = lifetime;
  a.expiresAtMs = nowMs + lifetime * 1000;
  ctx.refreshed();
  return successResponse({ request: msg, key }, [{ type: Attr.Lifetime, value: u32.encode(lifetime) }]);
}

type PeerCheck = { ok: true; peer: Remote } | { ok: false; code: number; reason: string };

/**
 * Decodes one XOR-PEER-ADDRESS value and applies the family and peer-policy rules; `withPort` where
 * the port matters (ChannelBind), not for CreatePermission, whose port is meaningless.
 */
function checkPeer(ctx: AllocationContext, value: Buffer, transactionId: Buffer, withPort: boolean): PeerCheck {
  const decoded = xorAddress.decode(value, transactionId);
  if (!decoded) return { ok: false, code: 400, reason: 'malformed XOR-PEER-ADDRESS' };
  const address = canonicalIP(decoded.address)!;
  if (withPort && decoded.port === 0) return { ok: false, code: 400, reason: 'peer port 0' };
  const family = address.includes(':') ? 6 : 4;
  if (family !== ctx.allocation.relayedAddress.family) return { ok: false, code: 443, reason: `peer ${address} is not of the relay's address family` };
  const decision = ctx.options.peers.check(address, withPort ? decoded.port : undefined);
  if (!decision.allowed) {
    ctx.options.events?.peerDenied?.(ctx.allocation.client, address, decision.reason);
    return { ok: false, code: 403, reason: `peer ${address} refused: ${decision.reason}` };
  }
  return { ok: true, peer: { address, port: decoded.port } };
}

export function handleCreatePermission(ctx: AllocationContext, msg: StunMessage, key: Buffer, nowMs: number): Buffer {
  const fail = failWith(ctx, msg, key, 'CreatePermission');
  const unknown = checkUnknown(ctx, msg, key, KNOWN_PERMISSION, 'CreatePermission');
  if (unknown) return unknown;
  const peers: string[] = [];
  for (const attr of msg.attributes) {
    if (attr.type !== Attr.XorPeerAddress) continue;
    const check = checkPeer(ctx, attr.value, msg.transactionId, false);
    if (!check.ok) return fail(check.code, check.reason);
    peers.push(check.peer.address);
  }
  if (peers.length === 0) return fail(400, 'no XOR-PEER-ADDRESS');
  const a = ctx.allocation;
  const added = peers.filter((p) => !a.permissions.has(p)).length;
  if (a.permissions.size + added > ctx.options.maxPermissionsPerAllocation) {
    return fail(508, `more than ${ctx.options.maxPermissionsPerAllocation} permissions`);
  }
  // All or nothing (RFC 8656 §9.2): permissions are installed only once every address passed.
  const expires = nowMs + ctx.options.permissionLifetimeSeconds * 1000;
  for (const p of peers) a.permissions.set(p, expires);
  return successResponse({ request: msg, key }, []);
}

export function handleChannelBind(ctx: AllocationContext, msg: StunMessage, key: Buffer, nowMs: number): Buffer {
  const fail = failWith(ctx, msg, key, 'ChannelBind');
  const unknown = checkUnknown(ctx, msg, key, KNOWN_CHANNEL, 'ChannelBind');
  if (unknown) return unknown;
  const numberAttr = getAttribute(msg, Attr.ChannelNumber);
  const peerAttr = getAttribute(msg, Attr.XorPeerAddress);
  if (!numberAttr || !peerAttr) return fail(400, 'CHANNEL-NUMBER and XOR-PEER-ADDRESS are required');
  const number = channelNumber.decode(numberAttr.value);
  if (number === undefined || !isChannelNumber(number)) return fail(400, 'channel number outside 0x4000-0x7FFF');
  const check = checkPeer(ctx, peerAttr.value, msg.transactionId, true);
  if (!check.ok) return fail(check.code, check.reason);
  const a = ctx.allocation;
  const peer = check.peer;
  const pk = peerKey(peer.address, peer.port);
  const byNumber = a.channelsByNumber.get(number);
  const byPeer = a.channelsByPeer.get(pk);
  if (byNumber && peerKey(byNumber.peer.address, byNumber.peer.port) !== pk) return fail(400, 'channel already bound to another peer');
  if (byPeer && byPeer.number !== number) return fail(400, 'peer already bound to another channel');
  if (!byNumber && a.channelsByNumber.size >= ctx.options.maxChannelsPerAllocation) {
    return fail(508, `more than ${ctx.options.maxChannelsPerAllocation} channels`);
  }
  if (!a.permissions.has(peer.address) && a.permissions.size >= ctx.options.maxPermissionsPerAllocation) {
    return fail(508, `more than ${ctx.options.maxPermissionsPerAllocation} permissions`);
  }
  const channel = byNumber ?? { number, peer, expiresAtMs: 0 };
  channel.expiresAtMs = nowMs + ctx.options.channelLifetimeSeconds * 1000;
  a.channelsByNumber.set(number, channel);
  a.channelsByPeer.set(pk, channel);
  // A binding also installs or refreshes the permission for the peer's IP (RFC 8656 §12.2).
  const permissionExpiry = nowMs + ctx.options.permissionLifetimeSeconds * 1000;
  a.permissions.set(peer.address, Math.max(a.permissions.get(peer.address) ?? 0, permissionExpiry));
  return successResponse({ request: msg, key }, []);
}

/** Send indication: relayed only to peers with a permission; otherwise silently dropped. */
export function handleSend(ctx: AllocationContext, msg: StunMessage): void {
  const peerAttr = getAttribute(msg, Attr.XorPeerAddress);
  const dataAttr = getAttribute(msg, Attr.Data);
  if (!peerAttr || !dataAttr) return;
  const peer = xorAddress.decode(peerAttr.value, msg.transactionId);
  if (!peer) return;
  const address = canonicalIP(peer.address)!;
  const a = ctx.allocation;
  if (!a.permissions.has(address)) return;
  // The permission was granted per address; the port is checked here (port 0, allowedPorts).
  if (!ctx.options.peers.allowsPort(address, peer.port)) return;
  a.relay.send(dataAttr.value, peer.port, address);
  a.traffic.toPeerPackets++;
  a.traffic.toPeerBytes += dataAttr.value.length;
}
