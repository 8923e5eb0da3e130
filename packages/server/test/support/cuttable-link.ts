// A UDP link between a test peer and one server port that the test can cut, as a network fails: the
// peer's WebSocket stays up while its media path goes silent, with no DTLS close or ICE goodbye.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export class CuttableLink {
  #peer: RemoteInfo | undefined;
  #cut = false;

  private constructor(private readonly socket: Socket, private readonly serverPort: number) {
    socket.on('message', (data, from) => {
      if (this.#cut) return;
      if (from.port === serverPort) {
        if (this.#peer) socket.send(data, this.#peer.port, this.#peer.address);
      } else {
        this.#peer = from;
        socket.send(data, serverPort, '127.0.0.1');
      }
    });
  }

  /** A link on 127.0.0.1 to the server's media port `serverPort`. */
  static async open(serverPort: number): Promise<CuttableLink> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new CuttableLink(socket, serverPort);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The server's answer with its candidates moved to this link, for the peer to use instead. */
  route(answer: string): string {
    return answer.replaceAll(` 127.0.0.1 ${this.serverPort} typ `, ` 127.0.0.1 ${this.port} typ `);
  }

  /** From now on nothing passes, either way. */
  cut(): void {
    this.#cut = true;
  }

  close(): void {
    this.socket.close();
  }
}
