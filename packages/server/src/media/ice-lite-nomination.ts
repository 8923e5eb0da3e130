// werift 0.25.2 as an ICE-lite agent keeps the first candidate pair the browser nominates and never
// switches. Chrome, facing a lite peer, sets USE-CANDIDATE on every pair it checks and then uses the
// one with the highest priority; on a host with several interfaces werift would send DTLS and media
// down a pair Chrome ignores ("Failed by DTLS error"). This follows the browser's choice: the
// nominated pair with the highest priority wins (what mediasoup does as a lite agent).
// It reaches into werift's ICE connection, so it checks the shape it relies on and does nothing
// when that shape is missing.
import type { RTCPeerConnection } from 'werift';

interface PairLike {
  nominated: boolean;
  remoteNominated?: boolean;
  remoteCandidate: { priority: number; host: string; port: number };
  state: number;
}

interface ConnectionLike {
  nominated?: PairLike;
  checkList: PairLike[];
  checkIncoming(message: unknown, addr: [string, number], protocol: unknown): void;
}

const SUCCEEDED = 3;

function isConnection(c: unknown): c is ConnectionLike {
  const x = c as Partial<ConnectionLike> | undefined;
  return !!x && typeof x.checkIncoming === 'function' && Array.isArray(x.checkList);
}

export function followBrowserNomination(pc: RTCPeerConnection): void {
  for (const transport of pc.iceTransports) {
    const connection = (transport as unknown as { connection?: unknown }).connection;
    if (!isConnection(connection)) continue;
    const original = connection.checkIncoming.bind(connection);
    connection.checkIncoming = (message, addr, protocol) => {
      original(message, addr, protocol);
      const current = connection.nominated;
      if (!current) return;
      for (const pair of connection.checkList) {
        if (pair === current || !pair.remoteNominated || pair.state !== SUCCEEDED) continue;
        if (pair.remoteCandidate.priority > current.remoteCandidate.priority) connection.nominated = pair;
      }
    };
  }
}
