// Opens the shared media ports: one UDP socket per media address on one port number, and one ICE-TCP
// listener per media address, plus any port offered later (the public port) whose connections the edge hands in.
import { DEFAULT_ICE_TCP_LIMITS, IceTcpAcceptor, type IceTcpLimits } from './ice-tcp.ts';
import { SharedUdpPort } from './udp-port.ts';
import type { SharedMediaPorts } from './werift-binding.ts';

export { IceTcpAcceptor } from './ice-tcp.ts';
export { SharedUdpPort } from './udp-port.ts';
export type { SharedMediaPorts } from './werift-binding.ts';

export interface SharedPortOptions {
  mediaIps: readonly string[];
  /** 0: chosen by the OS. */
  udpPort: number;
  /** undefined: no ICE-TCP. 0: chosen by the OS. */
  tcpPort?: number;
  tcpLimits?: IceTcpLimits;
}

export interface OpenSharedPorts {
  readonly ports: SharedMediaPorts;
  /** The bound UDP port of each media address, in order. */
  readonly udpPorts: number[];
  /** The ICE-TCP listening port (undefined without ICE-TCP). */
  readonly tcpPort: number | undefined;
  /**
   * Offers ICE-TCP candidates on one more port, whose connections arrive through accept() (the public
   * port, once bound), to the sessions that gather from now on. Nothing without ICE-TCP.
   */
  offerTcpPort(port: number): void;
  close(): Promise<void>;
}

export async function openSharedPorts(options: SharedPortOptions): Promise<OpenSharedPorts> {
  const udp: SharedUdpPort[] = [];
  const acceptor = options.tcpPort === undefined ? undefined : new IceTcpAcceptor(options.tcpLimits ?? DEFAULT_ICE_TCP_LIMITS);
  const close = async () => {
    acceptor?.close();
    await Promise.all(udp.map((u) => u.close()));
  };
  try {
    for (const ip of options.mediaIps) udp.push(await SharedUdpPort.bind(ip, options.udpPort));
    let tcpPort: number | undefined;
    const candidates: { ip: string; port: number }[] = [];
    if (acceptor) {
      for (const ip of options.mediaIps) {
        // One number on every address: the first bound port decides it when the OS chooses.
        tcpPort = await acceptor.listen(ip, tcpPort ?? options.tcpPort!);
      }
      for (const ip of options.mediaIps) candidates.push({ ip, port: tcpPort! });
    }
    return {
      ports: { udp, ...(acceptor ? { tcp: { acceptor, candidates } } : {}) },
      udpPorts: udp.map((u) => u.port),
      tcpPort,
      offerTcpPort(port) {
        if (acceptor) for (const ip of options.mediaIps) candidates.push({ ip, port });
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
