// A UDP listening socket: every datagram goes to the protocol, keyed by the client's address.
import type { ClientTransport, TurnProtocol } from '../protocol/index.ts';
import type { TransportAddress } from '../stun/index.ts';
import { createUdpSocket } from './udp-socket.ts';

export interface UdpListener {
  readonly address: TransportAddress;
  close(): Promise<void>;
}

export async function listenUdp(protocol: TurnProtocol, ip: string, port: number, id: string, receiveBufferBytes?: number): Promise<UdpListener> {
  const family = ip.includes(':') ? 6 : 4;
  const socket = createUdpSocket(family, receiveBufferBytes);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, ip, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const bound = socket.address();
  const local: TransportAddress = { family, address: bound.address, port: bound.port };
  const transport: ClientTransport = {
    kind: 'udp',
    local,
    closed: false,
    send(data, remote) {
      try {
        socket.send(data, remote.port, remote.address);
      } catch {
        // A send that cannot even start (closed socket, unusable address) drops this one datagram.
      }
    },
  };
  // Errors on an unconnected UDP socket (e.g. ICMP unreachable) must not end the listener.
  socket.on('error', () => undefined);
  socket.on('message', (msg, rinfo) => {
    // Source port 0 cannot be answered (a send to it throws): nothing legitimate comes from it.
    if (rinfo.port === 0) return;
    protocol.handleClientData(transport, rinfo, `${id}|${rinfo.address}|${rinfo.port}`, msg);
  });
  return {
    address: local,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
