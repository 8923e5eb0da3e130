// Whether a UDP port can be bound right now: a relay socket that was really closed gave its port back.
import dgram from 'node:dgram';

export async function udpPortIsFree(port: number, address = '127.0.0.1'): Promise<boolean> {
  const s = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const ok = await new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false));
    s.bind(port, address, () => resolve(true));
  });
  await new Promise<void>((r) => s.close(() => r()));
  return ok;
}
