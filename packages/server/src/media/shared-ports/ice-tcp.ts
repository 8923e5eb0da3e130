// ICE-TCP on shared ports (RFC 6544 passive candidates, RFC 4571 framing). A browser connects to
// one TCP port that every session shares; the connection belongs to the session whose ufrag its
// first framed Binding request names, once that request's MESSAGE-INTEGRITY verifies. Until then a
// connection may send at most one frame's worth of bytes within a short time, and only so many
// such connections may wait at once: a stranger can hold a few sockets, never a session.
import { createServer, type Server, type Socket } from 'node:net';
import { authenticatedCheck, type IceCredential } from './ice-check.ts';
import type { RemoteAddress } from './udp-port.ts';

/** RFC 4571: a 16-bit length before every packet. A first check is a few hundred bytes. */
const MAX_FIRST_FRAME = 1500;

export interface IceTcpLimits {
  /** Connections that have not yet sent an authenticated check, at once... */
  maxPending: number;
  /** ...and from one address. */
  maxPendingPerAddress: number;
  /** How long a connection may take to send its first check. */
  firstCheckTimeoutMs: number;
}

export const DEFAULT_ICE_TCP_LIMITS: IceTcpLimits = { maxPending: 256, maxPendingPerAddress: 8, firstCheckTimeoutMs: 5_000 };

export interface IceTcpCounters {
  /** Connections closed before an authenticated check: garbage, unknown ufrag, too slow, too many. */
  refused: number;
  accepted: number;
}

/** How a session takes a connection: the socket, with the bytes already read pushed back. */
export type IceTcpSink = (socket: Socket, from: RemoteAddress, localPort: number) => void;

interface Registration extends IceCredential {
  take: IceTcpSink;
}

/** Bytes a session's ICE-TCP connection may have waiting to be sent before more media is dropped. */
export const MAX_QUEUED_SEND_BYTES = 1 << 20;

/**
 * Drops writes while more than `maxBytes` wait in the socket's buffer: a player on a stalled TCP
 * link (zero window) loses packets, as it would over UDP, instead of growing the server's memory.
 * Its consent checks and RTCP keep flowing the other way, so nothing else would end it.
 */
export function dropWritesWhenBacklogged(socket: Socket, maxBytes = MAX_QUEUED_SEND_BYTES): { dropped: () => number } {
  let dropped = 0;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    if (socket.writableLength <= maxBytes) return write(...args);
    dropped++;
    // werift waits for the write's callback: it is told the frame went (as a UDP send would say).
    const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return false;
  }) as Socket['write'];
  return { dropped: () => dropped };
}

/** The first RFC 4571 frame of `head`, 'more' while incomplete, undefined when it cannot be a first check. */
export function firstFrame(head: Buffer): Buffer | 'more' | undefined {
  if (head.length < 2) return 'more';
  const length = head.readUInt16BE(0);
  if (length < 20 || length > MAX_FIRST_FRAME) return undefined;
  if (head.length < 2 + length) return 'more';
  return head.subarray(2, 2 + length);
}

export class IceTcpAcceptor {
  readonly counters: IceTcpCounters = { refused: 0, accepted: 0 };
  readonly #byUfrag = new Map<string, Registration[]>();
  readonly #waitingPerAddress = new Map<string, number>();
  readonly #servers: Server[] = [];
  readonly #waiting = new Set<Socket>();

  constructor(private readonly limits: IceTcpLimits = DEFAULT_ICE_TCP_LIMITS) {}

  /** Listens on `ip:port` (0: chosen by the OS) and resolves with the port. */
  async listen(ip: string, port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket, Buffer.alloc(0)));
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: ip, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#servers.push(server);
    return (server.address() as { port: number }).port;
  }

  attach(credential: IceCredential, take: IceTcpSink): () => void {
    const registration = { ...credential, take };
    this.#byUfrag.set(credential.ufrag, [...(this.#byUfrag.get(credential.ufrag) ?? []), registration]);
    return () => {
      const sharing = (this.#byUfrag.get(credential.ufrag) ?? []).filter((r) => r !== registration);
      if (sharing.length > 0) this.#byUfrag.set(credential.ufrag, sharing);
      else this.#byUfrag.delete(credential.ufrag);
    };
  }

  /**
   * Takes a new connection whose first bytes (`head`, possibly empty) were already read, e.g. by
   * the public port's demultiplexer.
   */
  accept(socket: Socket, head: Buffer): void {
    const remote: RemoteAddress | undefined = socket.remoteAddress && socket.remotePort ? [socket.remoteAddress, socket.remotePort] : undefined;
    socket.on('error', () => undefined);
    // Media: every DTLS flight and RTP packet goes out at once (Nagle would hold small writes for an ACK).
    socket.setNoDelay(true);
    if (!remote || this.#waiting.size >= this.limits.maxPending || (this.#waitingPerAddress.get(remote[0]) ?? 0) >= this.limits.maxPendingPerAddress) {
      this.#refuse(socket);
      return;
    }
    this.#waiting.add(socket);
    this.#waitingPerAddress.set(remote[0], (this.#waitingPerAddress.get(remote[0]) ?? 0) + 1);
    let buffered = head;
    let settled = false;
    const settle = (): void => {
      settled = true;
      this.#waiting.delete(socket);
      const left = (this.#waitingPerAddress.get(remote[0]) ?? 1) - 1;
      if (left > 0) this.#waitingPerAddress.set(remote[0], left);
      else this.#waitingPerAddress.delete(remote[0]);
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const timer = setTimeout(() => {
      settle();
      this.#refuse(socket);
    }, this.limits.firstCheckTimeoutMs);
    const onClose = (): void => {
      if (!settled) settle();
    };
    const decide = (): void => {
      const frame = firstFrame(buffered);
      if (frame === 'more') return;
      const owner = frame && authenticatedCheck(frame, this.#byUfrag);
      settle();
      if (!owner) {
        this.#refuse(socket);
        return;
      }
      this.counters.accepted++;
      socket.pause();
      // The session's reader starts from the first frame again.
      socket.unshift(buffered);
      owner.take(socket, remote, socket.localPort ?? 0);
      socket.resume();
    };
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      decide();
    };
    socket.on('close', onClose);
    socket.on('data', onData);
    // The public port's demultiplexer hands sockets over paused.
    socket.resume();
    if (head.length > 0) decide();
  }

  /**
   * Stops listening and closes the connections still waiting for a check. Connections already handed
   * to a session are the session's to close (server.close() would wait for them).
   */
  close(): void {
    this.#byUfrag.clear();
    for (const server of this.#servers.splice(0)) server.close();
    for (const socket of this.#waiting) socket.destroy();
  }

  #refuse(socket: Socket): void {
    this.counters.refused++;
    socket.destroy();
  }
}
