// A UDP peer on loopback that sends every datagram back to where it came from, and counts them.
import dgram from 'node:dgram';

export interface EchoPeer {
  readonly port: number;
  /** Datagrams received so far. */
  readonly received: number;
  close(): void;
}

export async function echoPeer(address = '127.0.0.1'): Promise<EchoPeer> {
  const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => socket.bind(0, address, r));
  let received = 0;
  socket.on('message', (m, r) => {
    received++;
    socket.send(m, r.port, r.address);
  });
  return { port: socket.address().port, get received() { return received; }, close: () => socket.close() };
}
