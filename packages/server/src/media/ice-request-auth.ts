// werift 0.25 answers and acts on STUN Binding requests without checking their USERNAME or
// MESSAGE-INTEGRITY (RFC 8445 §7.3). As an ICE-lite agent it then takes a request with USE-CANDIDATE
// as a nomination, so anyone who can reach a media port (directly, or through the embedded TURN)
// could point a live session's media at an address of their choosing. This checks the short-term
// credential of every request before werift sees it, and drops those that fail (and anything from
// source port 0, which no one can answer).
// werift also hands DTLS and SRTP from any address to the session. So a packet from an address that
// never passed a check is dropped too: a stranger's, or a stale one from the browser connection that
// last used this port (a media port range reuses a freed port at once), whose DTLS records landing in
// a new session's handshake made it fail with "Failed by DTLS error" about once in a hundred cycles.
// It reaches into werift's ICE connection, so it checks the shape it relies on.
import { Attr, StunClass, decodeStun, getAttribute, looksLikeStun, verifyIntegrity } from '@traverse/turn/stun';
import type { RTCPeerConnection } from 'werift';

/**
 * Whether a datagram is a STUN request without valid credentials for this agent: USERNAME
 * `<our ufrag>:<theirs>` and MESSAGE-INTEGRITY keyed with our ICE password. Anything that is not a
 * STUN request (DTLS, SRTP, STUN responses werift matches to its own transactions) is not judged.
 */
export function isUnauthenticatedStunRequest(data: Buffer, localUfrag: string, localPassword: string): boolean {
  if (!looksLikeStun(data)) return false;
  const decoded = decodeStun(data);
  if (!decoded.ok) return true;
  const message = decoded.message;
  if (message.cls !== StunClass.Request) return false;
  const username = getAttribute(message, Attr.Username)?.value.toString('utf8');
  if (!username?.startsWith(`${localUfrag}:`)) return true;
  return verifyIntegrity(message, Buffer.from(localPassword, 'utf8')) !== 'valid';
}

/** A STUN request (not a response or indication); only for data that looksLikeStun. */
export function isStunRequest(data: Buffer): boolean {
  // The class bits of the message type (RFC 8489 §5): C1 is bit 8, C0 is bit 4; both 0 for a request.
  return (data.readUInt16BE(0) & 0x0110) === 0;
}

/** A werift ICE protocol: UDP ones take datagrams, ICE-TCP ones take RFC 4571 frames. */
export type ProtocolLike = Partial<Record<'datagramReceived' | 'handleFrame', (data: Buffer, addr: unknown) => void>>;

interface ConnectionLike {
  localUsername: string;
  localPassword: string;
  protocols: ProtocolLike[];
}

function isConnection(c: unknown): c is ConnectionLike {
  const x = c as Partial<ConnectionLike> | undefined;
  return !!x && typeof x.localUsername === 'string' && typeof x.localPassword === 'string' && Array.isArray(x.protocols);
}

const guarded = new WeakSet<ProtocolLike>();

/** Where packets enter a protocol: its datagram handler (UDP) or frame handler (ICE-TCP). */
export function entryPoint(protocol: ProtocolLike): 'datagramReceived' | 'handleFrame' | undefined {
  if (typeof protocol.datagramReceived === 'function') return 'datagramReceived';
  if (typeof protocol.handleFrame === 'function') return 'handleFrame';
  return undefined;
}

/**
 * Puts the credential check in front of every ICE socket of `pc`. Call it once gathering is complete
 * (the sockets exist) and before the answer leaves. Returns false when werift's shape is not the one
 * this relies on: the caller must then refuse the session rather than run it unprotected.
 */
export function requireAuthenticatedChecks(pc: RTCPeerConnection): boolean {
  let protectedSockets = 0;
  for (const transport of pc.iceTransports) {
    const connection = (transport as unknown as { connection?: unknown }).connection;
    if (!isConnection(connection)) return false;
    for (const protocol of connection.protocols) {
      const entry = entryPoint(protocol);
      if (!entry) return false;
      protectedSockets++;
      if (guarded.has(protocol)) continue;
      guarded.add(protocol);
      const original = protocol[entry]!.bind(protocol);
      // Addresses that sent this agent an authenticated check: the only ones media is taken from.
      // Host → ports, so a media packet builds no key string.
      const checked = new Map<string, Set<number>>();
      protocol[entry] = (data, addr) => {
        const source = addr as readonly [string, number] | undefined;
        const host = String(source?.[0]);
        const port = source?.[1] ?? 0;
        // Source port 0 cannot be answered: werift's reply would throw ERR_SOCKET_BAD_PORT.
        if (port === 0) return;
        if (looksLikeStun(data)) {
          if (isUnauthenticatedStunRequest(data, connection.localUsername, connection.localPassword)) return;
          if (isStunRequest(data)) {
            let ports = checked.get(host);
            if (!ports) checked.set(host, (ports = new Set()));
            ports.add(port);
          }
        } else if (!checked.get(host)?.has(port)) {
          return;
        }
        original(data, addr);
      };
    }
  }
  return protectedSockets > 0;
}
