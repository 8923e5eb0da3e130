// Notices a peer that has gone silent. As an ICE-lite agent the server sends no checks of its own
// (werift runs no consent freshness when lite), so a browser that vanishes without a DTLS close (a
// network cut, a sleeping laptop, a killed tab) would leave its session live forever, and its
// players waiting on a stream that sends nothing. A live peer's full agent sends consent checks every
// 4–6 s (RFC 7675) and media or RTCP in between: hearing nothing from it for the timeout means it is gone.
// It reaches into werift's ICE connection, as ice-request-auth.ts does, and checks the shape it relies on.
import { looksLikeStun } from '@traverse/turn/stun';
import type { RTCPeerConnection } from 'werift';
import { entryPoint, isStunRequest, type ProtocolLike } from './ice-request-auth.ts';

type Address = readonly [string, number];

interface ConnectionLike {
  protocols: ProtocolLike[];
  nominated?: { remoteAddr: Address };
}

function isConnection(c: unknown): c is ConnectionLike {
  return Array.isArray((c as Partial<ConnectionLike> | undefined)?.protocols);
}

/** When this peer was last heard from. */
export interface PeerHearing {
  lastHeardAt(): number;
}

/**
 * Starts noting when the peer is heard from: a STUN request (a connectivity or consent check) or any
 * datagram from the nominated pair's remote address. Call it before requireAuthenticatedChecks
 * (ice-request-auth.ts), so that it sees only the requests that carry this session's credentials and
 * a stranger's packets keep no dead session alive. Undefined when werift's shape is not the expected one.
 */
export function listenForPeer(pc: RTCPeerConnection): PeerHearing | undefined {
  let heardAt = Date.now();
  for (const transport of pc.iceTransports) {
    const connection = (transport as unknown as { connection?: unknown }).connection;
    if (!isConnection(connection)) return undefined;
    for (const protocol of connection.protocols) {
      const entry = entryPoint(protocol);
      if (!entry) return undefined;
      const original = protocol[entry]!.bind(protocol);
      protocol[entry] = (data, addr) => {
        const peer = connection.nominated?.remoteAddr;
        const from = addr as Address;
        if ((looksLikeStun(data) && isStunRequest(data)) || (peer && peer[0] === from[0] && peer[1] === from[1])) heardAt = Date.now();
        original(data, addr);
      };
    }
  }
  return { lastHeardAt: () => heardAt };
}

/** Calls `onSilent` once the peer has not been heard from for `timeoutMs`; returns the stop function. */
export function watchSilence(hearing: PeerHearing, timeoutMs: number, onSilent: () => void): () => void {
  const since = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - Math.max(since, hearing.lastHeardAt()) < timeoutMs) return;
    clearInterval(timer);
    onSilent();
  }, Math.min(1000, timeoutMs / 4));
  return () => clearInterval(timer);
}
