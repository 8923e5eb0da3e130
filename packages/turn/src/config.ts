// The options of createTurnServer: one zod schema is the type, the defaults and the error messages.
import { z } from 'zod';
import { parseIP } from './stun/index.ts';
import { parseIpRange } from './policy/index.ts';

const ip = z.string().refine((s) => parseIP(s) !== undefined, { message: 'not an IP address' });
const ipRange = z.string().refine((s) => parseIpRange(s) !== undefined, { message: 'not an IP address, CIDR (a.b.c.d/n) or range (a-b)' });
const port = z.number().int().min(0).max(65535);
const relayPort = z.number().int().min(1).max(65535);

export const turnServerOptionsSchema = z
  .object({
    /** Addresses to listen on for clients. */
    listeningIps: z.array(ip).min(1).default(['0.0.0.0']),
    /** UDP and TCP port (0 = ephemeral). */
    listeningPort: port.default(3478),
    /** TLS port (0 = ephemeral). */
    tlsListeningPort: port.default(5349),
    udp: z.boolean().default(true),
    tcp: z.boolean().default(true),
    tls: z.boolean().default(true),
    /** Addresses relay sockets bind to; default: the listening IPs, or the first non-internal IPv4 when listening on 0.0.0.0. */
    relayIps: z.array(ip).default([]),
    /** Address told to clients in XOR-RELAYED-ADDRESS when the server is behind NAT (coturn external-ip). */
    externalIp: ip.optional(),
    minPort: relayPort.default(49152),
    maxPort: relayPort.default(65535),
    realm: z.string().min(1).max(763).default('traverse'),
    /** Static long-term credential users. */
    users: z.array(z.object({ username: z.string().min(1).max(513), password: z.string().min(1) })).default([]),
    /** TURN REST API shared secret(s) (coturn static-auth-secret); the first mints, all verify. */
    authSecret: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** PEM text or a path to a PEM file. Without both, TLS uses a generated self-signed certificate. */
    cert: z.string().optional(),
    pkey: z.string().optional(),
    allowedPeerIps: z.array(ipRange).default([]),
    /** Ports the allowedPeerIps may be reached on, [min, max]; default every port. */
    allowedPeerPorts: z.tuple([relayPort, relayPort]).refine(([a, b]) => a <= b, 'min above max').optional(),
    deniedPeerIps: z.array(ipRange).default([]),
    /** Allow loopback peers and the server's own addresses (tests only). */
    allowLoopbackPeers: z.boolean().default(false),
    /** Allocations per username (0 = unlimited). */
    userQuota: z.number().int().min(0).default(0),
    /** Allocations in total (0 = unlimited). */
    totalQuota: z.number().int().min(0).default(0),
    /** Relay ports held at once for EVEN-PORT R-bit reservations (30 s each), over all users. */
    maxPortReservations: z.number().int().min(0).default(1000),
    defaultAllocateLifetime: z.number().int().min(1).default(600),
    maxAllocateLifetime: z.number().int().min(1).default(3600),
    permissionLifetime: z.number().int().min(1).default(300),
    channelLifetime: z.number().int().min(1).default(600),
    /** Seconds a nonce stays valid (coturn stale-nonce). */
    staleNonce: z.number().int().min(1).default(600),
    maxPermissionsPerAllocation: z.number().int().min(1).default(128),
    maxChannelsPerAllocation: z.number().int().min(1).max(4096).default(128),
    /** Auth failures per client IP: a burst of this many, then one per `authFailuresPerSecond`. */
    authFailureBurst: z.number().int().min(1).default(20),
    authFailuresPerSecond: z.number().positive().default(1),
    /** TCP/TLS connections that have not authenticated after this long are closed. */
    unauthenticatedTimeoutSeconds: z.number().positive().default(30),
    maxConnections: z.number().int().min(1).default(10_000),
    /** TCP/TLS connections one client address may hold per listener (a NAT'd office shares one). */
    maxConnectionsPerIp: z.number().int().min(1).default(256),
    maxPendingWriteBytes: z.number().int().min(4096).default(1 << 20),
    /** Kernel receive buffer for UDP sockets in bytes (0 = system default). */
    udpReceiveBufferBytes: z.number().int().min(0).default(1 << 20),
    /** Server name for the self-signed certificate. */
    serverName: z.string().default('traverse-turn'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.minPort > o.maxPort) ctx.addIssue({ code: 'custom', path: ['minPort'], message: 'minPort is above maxPort' });
    if (o.defaultAllocateLifetime > o.maxAllocateLifetime) {
      ctx.addIssue({ code: 'custom', path: ['defaultAllocateLifetime'], message: 'above maxAllocateLifetime' });
    }
    if (!o.udp && !o.tcp && !o.tls) ctx.addIssue({ code: 'custom', path: ['udp'], message: 'every transport is disabled' });
    if ((o.cert === undefined) !== (o.pkey === undefined)) ctx.addIssue({ code: 'custom', path: ['cert'], message: 'cert and pkey go together' });
    if (o.users.length === 0 && o.authSecret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['users'], message: 'no credentials: give users or an authSecret (authentication is always on)' });
    }
  });

export type TurnServerConfig = z.output<typeof turnServerOptionsSchema>;
export type TurnServerSettings = z.input<typeof turnServerOptionsSchema>;

export class TurnConfigError extends Error {
  readonly code = 'TURN_CONFIG';
}

/** Validates options; the error names every bad field. */
export function parseTurnOptions(input: unknown): TurnServerConfig {
  const r = turnServerOptionsSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new TurnConfigError(`invalid TURN server options:\n  ${lines.join('\n  ')}`);
}
