// One UDP socket that every WebRTC session shares (RFC 7983 demultiplexing by flow). A remote
// address becomes a session's flow only through an authenticated ICE check naming that session's
// ufrag; from then on its packets go to that session by address alone (the hot path: two map
// lookups, no allocation). Everything else — a stranger's STUN, DTLS or garbage — is dropped and
// counted, so it never reaches any session.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { PerSourceBudget } from '../../common/per-source-budget.ts';
import { authenticatedCheck, mayBeStun, type IceCredential } from './ice-check.ts';

const SOCKET_BUFFER_BYTES = 8 << 20;

/**
 * STUN from addresses that are no session's flow yet, per source host and second: each is decoded,
 * and one naming a live ufrag costs an HMAC. Browsers pace their checks (~20/s per agent), so this
 * leaves room for a few dozen agents joining at once behind one NAT, and bounds what one host's flood
 * costs.
 */
export const UNMAPPED_CHECKS_PER_SECOND = 500;

export type RemoteAddress = [host: string, port: number];

/** One session's attachment to the shared socket. */
export interface UdpAttachment {
  /** Sends to a remote address of this session (any address: werift answers checks before they map). */
  send(data: Buffer, to: RemoteAddress): Promise<void>;
  /** Forgets the session and all its flows. Idempotent. */
  detach(): void;
}

interface Registration extends IceCredential {
  receive(data: Buffer, from: RemoteAddress): void;
  flows: Set<string>;
  attached: boolean;
}

/** A mapped remote address: its session, and the address tuple handed to it with every packet. */
interface Flow {
  owner: Registration;
  from: RemoteAddress;
  /** When the owner's last authenticated check came from here (browsers send one every 4–6 s: RFC 7675). */
  checkedAt: number;
}

/**
 * An address mapped to one session moves to another only once its owner has sent no check from it for
 * this long: then the owner is gone (a browser reusing a port). Before, it would take a session's own
 * address, spoofed, for another session to steal its media.
 */
export const DEFAULT_FLOW_TAKEOVER_AFTER_MS = 8_000;

export interface SharedUdpCounters {
  /** Packets dropped because no session's authenticated check ever came from their address. */
  strayPackets: number;
  /** Flows mapped to a session (a remote address's first authenticated check). */
  flowsOpened: number;
  /** STUN from unmapped addresses dropped unread: their host was over UNMAPPED_CHECKS_PER_SECOND. */
  checksRateLimited: number;
}

export class SharedUdpPort {
  readonly counters: SharedUdpCounters = { strayPackets: 0, flowsOpened: 0, checksRateLimited: 0 };
  readonly #unmappedChecks = new PerSourceBudget(UNMAPPED_CHECKS_PER_SECOND, 2 * UNMAPPED_CHECKS_PER_SECOND);
  readonly #byUfrag = new Map<string, Registration[]>();
  /** Remote host → remote port → flow: nested so the hot path builds no key string and no tuple. */
  readonly #flows = new Map<string, Map<number, Flow>>();

  private constructor(readonly socket: Socket, readonly ip: string, readonly port: number, private readonly takeoverAfterMs: number) {
    socket.on('message', (data, rinfo) => this.#onMessage(data, rinfo.address, rinfo.port));
    // Send errors (e.g. an ICMP-unreachable peer) surface here; a session's sends must not throw the process.
    socket.on('error', () => undefined);
  }

  /** Binds `ip:port` (port 0: chosen by the OS). */
  static async bind(ip: string, port: number, takeoverAfterMs = DEFAULT_FLOW_TAKEOVER_AFTER_MS): Promise<SharedUdpPort> {
    // Every session's media crosses this one socket: ask for deep buffers (the kernel caps them at
    // net.core.rmem_max / wmem_max; docs/configuration.md says how to raise those).
    const socket = createSocket({ type: isIPv6(ip) ? 'udp6' : 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: ip, port, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new SharedUdpPort(socket, ip, socket.address().port, takeoverAfterMs);
  }

  get sessions(): number {
    let n = 0;
    for (const list of this.#byUfrag.values()) n += list.length;
    return n;
  }

  /** Attaches a session by its local ICE credential; `receive` gets every packet of its flows. */
  attach(credential: IceCredential, receive: (data: Buffer, from: RemoteAddress) => void): UdpAttachment {
    const registration: Registration = { ...credential, receive, flows: new Set(), attached: true };
    this.#byUfrag.set(credential.ufrag, [...(this.#byUfrag.get(credential.ufrag) ?? []), registration]);
    return {
      send: (data, to) => new Promise((resolve, reject) => {
        if (!registration.attached) return resolve();
        this.socket.send(data, to[1], to[0], (err) => (err ? reject(err) : resolve()));
      }),
      detach: () => this.#detach(registration),
    };
  }

  close(): Promise<void> {
    for (const registration of [...this.#byUfrag.values()].flat()) this.#detach(registration);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  #onMessage(data: Buffer, host: string, port: number): void {
    // Port 0 cannot be answered (a send to it throws): nobody legitimate sends from it.
    if (port === 0) return;
    const flow = this.#flows.get(host)?.get(port);
    if (mayBeStun(data)) {
      if (!flow && !this.#unmappedChecks.take(host, performance.now())) {
        this.counters.checksRateLimited++;
        return;
      }
      const target = authenticatedCheck(data, this.#byUfrag);
      let to = flow;
      if (target && target === flow?.owner) {
        flow.checkedAt = performance.now();
      } else if (target) {
        // A new address, or one whose owner has gone quiet (a browser that reused the port): it moves.
        // A live owner's address does not: whoever else sends from it is dropped.
        if (flow && performance.now() - flow.checkedAt < this.takeoverAfterMs) {
          this.counters.strayPackets++;
          return;
        }
        to = this.#map(host, port, target, flow);
      }
      if (to) to.owner.receive(data, to.from);
      else this.counters.strayPackets++;
      return;
    }
    if (flow) flow.owner.receive(data, flow.from);
    else this.counters.strayPackets++;
  }

  #map(host: string, port: number, to: Registration, previous: Flow | undefined): Flow {
    const key = `${host}|${port}`;
    previous?.owner.flows.delete(key);
    let ports = this.#flows.get(host);
    if (!ports) this.#flows.set(host, (ports = new Map()));
    const flow: Flow = { owner: to, from: [host, port], checkedAt: performance.now() };
    ports.set(port, flow);
    to.flows.add(key);
    this.counters.flowsOpened++;
    return flow;
  }

  #detach(registration: Registration): void {
    if (!registration.attached) return;
    registration.attached = false;
    const sharing = (this.#byUfrag.get(registration.ufrag) ?? []).filter((r) => r !== registration);
    if (sharing.length > 0) this.#byUfrag.set(registration.ufrag, sharing);
    else this.#byUfrag.delete(registration.ufrag);
    for (const key of registration.flows) {
      const bar = key.lastIndexOf('|');
      const host = key.slice(0, bar);
      const ports = this.#flows.get(host);
      const port = Number(key.slice(bar + 1));
      if (ports?.get(port)?.owner === registration) ports.delete(port);
      if (ports?.size === 0) this.#flows.delete(host);
    }
    registration.flows.clear();
  }
}
