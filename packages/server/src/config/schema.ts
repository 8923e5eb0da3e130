// The whole server's configuration: one zod schema gives the type, the defaults and the errors.
import { z } from 'zod';
import { parseCidr } from '../common/cidr.ts';

const port = z.number().int().min(0).max(65535);
const ip = z.string().regex(/^[0-9a-fA-F.:]+$/, 'not an IP address');
const ipOrCidr = z.string().refine((v) => !('error' in parseCidr(v)), 'not an IP address or CIDR');

export const configSchema = z.object({
  /** HTTP: example pages, SDK bundle, REST API, /health, /metrics, /turn-credentials. */
  httpPort: port.default(8888),
  /** HTTPS with the same content, when a certificate is configured. */
  httpsPort: port.default(8444),
  /** WebSocket signaling (plain). */
  wsPort: port.default(8080),
  /** WebSocket signaling over TLS, when a certificate is configured. */
  wssPort: port.default(8443),
  /** Address the HTTP and WebSocket listeners bind to. */
  listenIp: ip.default('0.0.0.0'),
  /** PEM certificate and key (text or file paths) for HTTPS and WSS. */
  cert: z.string().optional(),
  key: z.string().optional(),
  /** Addresses WebRTC media binds to and offers as candidates. Default: the first non-internal IPv4, else 127.0.0.1. */
  mediaIps: z.array(ip).default([]),
  /** Public address offered instead of the media IPs (server behind NAT). */
  announcedIp: ip.optional(),
  /**
   * The one UDP port every WebRTC session shares (0: one port chosen by the OS). Sessions are told
   * apart by the ICE ufrag of a flow's first check, then by its address.
   */
  mediaUdpPort: port.default(40000),
  /** ICE-TCP (RFC 6544 passive candidates): a browser whose UDP is blocked sends media over TCP, with no TURN hop. */
  iceTcp: z.boolean().default(true),
  /** The TCP port of ICE-TCP (0: chosen by the OS). Default: the same number as mediaUdpPort. */
  mediaTcpPort: port.optional(),
  /**
   * A UDP port range instead of the one shared port: every session binds its own port from it (no
   * ICE-TCP). Both or neither; 0 and 0 let the OS choose each session's port.
   */
  mediaPortMin: port.optional(),
  mediaPortMax: port.optional(),
  /**
   * One public TCP port (443 in production; needs cert and key) carrying HTTPS, WSS signaling, TURN
   * over TLS and TCP, and ICE-TCP, told apart by their first bytes. The separate ports keep working.
   */
  publicPort: port.optional(),
  iceTimeoutSeconds: z.number().positive().default(20),
  dtlsTimeoutSeconds: z.number().positive().default(10),
  /** A live session whose peer sent nothing (media, RTCP, ICE consent checks every ~5 s) for this long ends: "Failed by ICE keep alive". */
  peerTimeoutSeconds: z.number().min(1).default(15),
  /** Key-frame requests to one publisher are at least this far apart. */
  keyFrameIntervalMs: z.number().int().min(0).default(500),
  /** Server → client ping, for clients that detect dead connections (stock SDK receiveProbes). */
  pingIntervalSeconds: z.number().positive().default(5),
  maxStreamsPerConnection: z.number().int().min(1).default(16),
  maxConnections: z.number().int().min(1).default(5000),
  /** Signaling connections one client address may hold (a NAT'd office shares one address). */
  maxConnectionsPerIp: z.number().int().min(1).default(256),
  /** Who may call the REST API (it can terminate any stream): this host and private networks. */
  restAllowedIps: z.array(ipOrCidr).default(['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']),
  /**
   * Opens /dashboard/ (and the REST API it calls) to anyone presenting it as ?token= or
   * "Authorization: Bearer", besides the restAllowedIps addresses. None by default.
   */
  dashboardToken: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * Bearer token WHIP publishers must present (Authorization: Bearer …) for any stream name without
   * a token of its own in whipTokens. Neither set: WHIP is as open as publishing over WebSocket.
   */
  whipToken: z.string().min(1).optional(),
  /** Stream name → the only token accepted for publishing that name over WHIP. */
  whipTokens: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Signaling messages per second per connection (bursts of twice that); a page sends a few. */
  maxMessagesPerSecond: z.number().int().min(1).default(50),
  turn: z
    .object({
      enabled: z.boolean().default(true),
      port: port.default(3478),
      tlsPort: port.default(5349),
      tls: z.boolean().default(true),
      listeningIps: z.array(ip).default(['0.0.0.0']),
      relayIps: z.array(ip).default([]),
      /** Public address of the relay when the server is behind NAT. */
      externalIp: ip.optional(),
      minPort: port.default(49152),
      maxPort: port.default(65535),
      realm: z.string().default('traverse'),
      /** Shared secret for time-limited credentials; random at each start when not set. */
      secret: z.string().min(16, 'at least 16 characters').optional(),
      /** Lifetime of credentials handed out by GET /turn-credentials. */
      credentialTtlSeconds: z.number().int().min(60).default(12 * 3600),
      /** A static "user:password" for demo pages and external tools. */
      demoUser: z.string().regex(/^[^:]+:.+$/, 'expected user:password').optional(),
      /** Host name put in the TURN URLs of /turn-credentials; default: the Host of the request. */
      publicHost: z.string().optional(),
      /** TLS certificate for TURN/TLS; default: the server's cert, else a self-signed one. */
      cert: z.string().optional(),
      key: z.string().optional(),
    })
    .strict()
    .prefault({}),
  /** Folder of the example pages served at /. */
  examplesDir: z.string().optional(),
  /** Path of the browser SDK bundle served at /sdk/flashphoner.js. */
  sdkBundle: z.string().optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** `auto`: readable lines (pino-pretty) when stdout is a terminal, JSON lines otherwise. */
  logFormat: z.enum(['auto', 'json', 'pretty']).default('auto'),
}).strict();

export type ServerConfig = z.output<typeof configSchema>;
export type ServerSettings = z.input<typeof configSchema>;
