// UDP sockets for the relay path. Every address this server sends to is an IP literal (a client's
// source address, a peer from XOR-PEER-ADDRESS), so name resolution is skipped: node's default
// dns.lookup answers a literal on the next tick, which costs a queued callback per datagram.
import dgram from 'node:dgram';
import { isIP } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

function resolveLiteral(address: string, family: unknown, callback: LookupCallback): void {
  const version = isIP(address);
  if (version === 0) {
    const err: NodeJS.ErrnoException = new Error(`not an IP address: ${address}`);
    err.code = 'EINVAL';
    callback(err, address, 0);
    return;
  }
  callback(null, address, typeof family === 'number' && family !== 0 ? family : version);
}

/**
 * IP literals only (anything else is an error: no DNS on the packet path). The first lookup is the
 * bind's and answers on the next tick as node's does, so bind() keeps emitting 'listening' later;
 * the sends' lookups answer at once.
 */
function literalLookup() {
  let bound = false;
  return (address: string, family: unknown, callback: LookupCallback): void => {
    if (bound) {
      resolveLiteral(address, family, callback);
      return;
    }
    bound = true;
    process.nextTick(resolveLiteral, address, family, callback);
  };
}

export function createUdpSocket(family: 4 | 6, receiveBufferBytes?: number): dgram.Socket {
  return dgram.createSocket({
    type: family === 4 ? 'udp4' : 'udp6',
    lookup: literalLookup() as never,
    ...(receiveBufferBytes ? { recvBufferSize: receiveBufferBytes } : {}),
  });
}
