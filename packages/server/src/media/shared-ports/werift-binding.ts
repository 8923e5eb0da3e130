// Puts a werift peer connection's ICE on the shared ports. werift gathers by binding a UDP socket
// (and, for ICE-TCP, listening on a TCP port) per agent; here its gathering is replaced by werift's
// own protocol objects wired to the shared UDP socket and the shared ICE-TCP acceptor, so werift's
// checks, consent, DTLS and SRTP run unchanged on top. It reaches into werift's ICE connection, so it
// checks the shape it relies on and reports false when that shape is missing.
import { Candidate, StunProtocol, TcpPassiveProtocol, candidateFoundation, candidatePriority, type RTCPeerConnection } from 'werift';
import { dropWritesWhenBacklogged, type IceTcpAcceptor } from './ice-tcp.ts';
import type { RemoteAddress, SharedUdpPort, UdpAttachment } from './udp-port.ts';

export interface SharedMediaPorts {
  udp: readonly SharedUdpPort[];
  /** ICE-TCP: the acceptor and the passive candidates to offer (address, port), best first. */
  tcp?: { acceptor: IceTcpAcceptor; candidates: readonly { ip: string; port: number }[] };
}

interface ProtocolLike {
  localCandidate?: Candidate;
  localIp?: string;
  close(): Promise<void>;
}

interface ConnectionLike {
  localUsername: string;
  localPassword: string;
  generation: number;
  protocols: ProtocolLike[];
  getCandidatePromises(addresses: string[], timeout?: number): Promise<Candidate | undefined>[];
  ensureProtocol(protocol: ProtocolLike): void;
  pairLocalProtocol(protocol: ProtocolLike): void;
  appendLocalCandidate(candidate: Candidate): void;
}

function isConnection(c: unknown): c is ConnectionLike {
  const x = c as Partial<ConnectionLike> | undefined;
  return !!x && typeof x.localUsername === 'string' && typeof x.localPassword === 'string' && Array.isArray(x.protocols)
    && typeof x.getCandidatePromises === 'function' && typeof x.ensureProtocol === 'function'
    && typeof x.pairLocalProtocol === 'function' && typeof x.appendLocalCandidate === 'function';
}

/**
 * What werift's StunProtocol expects of its UdpTransport. `socket` is the shared socket itself: the
 * RTP forwarder writes SRTP straight to it.
 */
function sharedTransport(port: SharedUdpPort, attachment: UdpAttachment) {
  const transport = {
    type: 'udp' as const,
    socket: port.socket,
    closed: false,
    addressFamily: port.socket.address().family === 'IPv6' ? 6 : 4,
    get address() {
      return { address: port.ip, port: port.port };
    },
    onData: (_data: Buffer, _from: RemoteAddress) => undefined as void,
    send: async (data: Buffer, to: RemoteAddress): Promise<void> => {
      if (!transport.closed) await attachment.send(data, to);
    },
    close: async (): Promise<void> => {
      transport.closed = true;
      attachment.detach();
    },
  };
  return transport;
}

function udpProtocol(connection: ConnectionLike, port: SharedUdpPort): StunProtocol {
  const protocol = new StunProtocol();
  const attachment = port.attach({ ufrag: connection.localUsername, password: connection.localPassword },
    // datagramReceived is private in werift's typings; ice-request-auth.ts wraps the same entry point.
    (data, from) => (protocol as unknown as { datagramReceived(d: Buffer, f: RemoteAddress): void }).datagramReceived(data, from));
  (protocol as unknown as { transport: unknown }).transport = sharedTransport(port, attachment);
  protocol.localIp = port.ip;
  protocol.localCandidate = new Candidate(candidateFoundation('host', 'udp', port.ip), 1, 'udp', candidatePriority('host', { transport: 'udp' }),
    port.ip, port.port, 'host', undefined, undefined, undefined, connection.generation, connection.localUsername);
  return protocol;
}

function tcpProtocol(connection: ConnectionLike, ip: string, port: number, rank: number): TcpPassiveProtocol {
  // Its own listening server is never started: connections come from the shared acceptor.
  const protocol = new TcpPassiveProtocol();
  protocol.localIp = ip;
  // Later candidates (the public port) rank a little lower, so a browser that reaches both prefers the first.
  const priority = candidatePriority('host', { transport: 'tcp', tcptype: 'passive' }) - rank * 256;
  protocol.localCandidate = new Candidate(candidateFoundation('host', 'tcp', `${ip}:${port}`), 1, 'tcp', priority,
    ip, port, 'host', undefined, undefined, 'passive', connection.generation, connection.localUsername);
  return protocol;
}

/**
 * Replaces the gathering of every ICE connection of `pc` with candidates on the shared ports. Call it
 * after setRemoteDescription (the connections exist) and before setLocalDescription (which gathers).
 */
export function gatherOnSharedPorts(pc: RTCPeerConnection, ports: SharedMediaPorts): boolean {
  const connections = pc.iceTransports.map((t) => (t as unknown as { connection?: unknown }).connection);
  if (connections.length === 0 || !connections.every(isConnection)) return false;
  if (new Set(connections).size !== connections.length) return false;
  for (const connection of connections) {
    connection.getCandidatePromises = () => {
      const candidates: Candidate[] = [];
      const add = (protocol: ProtocolLike & { localCandidate: Candidate }, pairNow: boolean) => {
        connection.ensureProtocol(protocol);
        connection.protocols.push(protocol);
        // Passive TCP candidates pair only with the peer-reflexive candidates an incoming check creates.
        if (pairNow) connection.pairLocalProtocol(protocol);
        connection.appendLocalCandidate(protocol.localCandidate);
        candidates.push(protocol.localCandidate);
      };
      for (const port of ports.udp) add(udpProtocol(connection, port) as ProtocolLike & { localCandidate: Candidate }, true);
      if (ports.tcp) {
        const tcp = ports.tcp.candidates.map(({ ip, port }, rank) => tcpProtocol(connection, ip, port, rank));
        for (const protocol of tcp) add(protocol as unknown as ProtocolLike & { localCandidate: Candidate }, false);
        const detach = ports.tcp.acceptor.attach({ ufrag: connection.localUsername, password: connection.localPassword }, (socket, from, localPort) => {
          dropWritesWhenBacklogged(socket);
          // The candidate the browser connected to: its port, and its address when there are several.
          const local = socket.localAddress?.replace(/^::ffff:/, '');
          const protocol = tcp.find((p) => p.localCandidate?.port === localPort && p.localIp === local)
            ?? tcp.find((p) => p.localCandidate?.port === localPort) ?? tcp[0]!;
          (protocol as unknown as { registerSocket(socket: unknown, from: RemoteAddress): void }).registerSocket(socket, from);
        });
        for (const protocol of tcp) {
          const close = protocol.close.bind(protocol);
          protocol.close = async () => {
            detach();
            await close();
          };
        }
      }
      return candidates.map((c) => Promise.resolve(c));
    };
  }
  return true;
}
