// A UDP relay on loopback between a client we did not write (turnutils_uclient) and the server, that
// records the STUN messages both ways: the client's summary does not say which error codes it got.
import dgram from 'node:dgram';
import { decodeStun, type StunMessage } from '../../../packages/turn/src/stun/index.ts';

export interface UdpTap {
  /** Where the client sends instead of the server. */
  port: number;
  /** STUN messages client → server. */
  readonly toServer: StunMessage[];
  /** STUN messages server → client. */
  readonly toClient: StunMessage[];
  close(): void;
}

export async function tapUdp(serverPort: number): Promise<UdpTap> {
  const front = dgram.createSocket('udp4');
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', r));
  const toServer: StunMessage[] = [];
  const toClient: StunMessage[] = [];
  const record = (list: StunMessage[], bytes: Buffer) => {
    const decoded = decodeStun(Buffer.from(bytes));
    if (decoded.ok) list.push(decoded.message);
  };
  // One socket towards the server per client address, so the server sees one 5-tuple per client.
  const backs = new Map<string, dgram.Socket>();
  front.on('message', (msg, client) => {
    const key = `${client.address}|${client.port}`;
    let back = backs.get(key);
    if (!back) {
      back = dgram.createSocket('udp4');
      back.bind(0, '127.0.0.1');
      back.on('message', (reply) => {
        record(toClient, reply);
        front.send(reply, client.port, client.address);
      });
      backs.set(key, back);
    }
    record(toServer, msg);
    back.send(msg, serverPort, '127.0.0.1');
  });
  return {
    port: front.address().port,
    toServer,
    toClient,
    close() {
      for (const b of backs.values()) b.close();
      front.close();
    },
  };
}
