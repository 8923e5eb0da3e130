// Reads a new connection's first bytes until classifyFirstBytes() decides, within a deadline. The
// bytes read are handed on (`head`) with the socket paused, so the next owner loses nothing.
import type { Socket } from 'node:net';
import { classifyFirstBytes, type FirstBytesKind } from './first-bytes.ts';

export type SniffOutcome =
  | { kind: FirstBytesKind; head: Buffer }
  /** `unknown`: bytes of nothing we serve; `timeout`: too slow to say; `closed`: gone before a verdict. */
  | { kind: 'unknown' | 'timeout' | 'closed'; head: Buffer };

/**
 * Calls `done` once: with the kind and the bytes read, or why not. The socket is then paused and
 * no longer listened to (`done` may destroy it or hand it on).
 */
export function sniffFirstBytes(socket: Socket, kinds: readonly FirstBytesKind[], timeoutMs: number, done: (outcome: SniffOutcome) => void): void {
  let head: Buffer = Buffer.alloc(0);
  let settled = false;
  const settle = (kind: SniffOutcome['kind']) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('close', onClose);
    socket.pause();
    done({ kind, head } as SniffOutcome);
  };
  const onData = (chunk: Buffer) => {
    // At most FIRST_BYTES_NEEDED - 1 bytes are kept while undecided, plus the chunk that decides.
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const verdict = classifyFirstBytes(head, kinds);
    if (verdict !== 'need-more') settle(verdict);
  };
  const onClose = () => settle('closed');
  const timer = setTimeout(() => settle('timeout'), timeoutMs);
  socket.on('data', onData);
  socket.on('close', onClose);
}
