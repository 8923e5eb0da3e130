// A small TURN client over real UDP/TCP/TLS sockets, for loopback tests of the server.
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { looksLikeStun, decodeStun, type OutgoingAttribute } from '../../src/stun/index.ts';
import { StreamFramer, encodeChannelData, looksLikeChannelData, decodeChannelData } from '../../src/wire/index.ts';
import { readResponse, requests, type Credentials, type ReadResponse } from './turn-messages.ts';

export type Transport = 'udp' | 'tcp' | 'tls';

export class TurnSocketClient {
  readonly #inbox: Buffer[] = [];
  readonly #waiters: (() => void)[] = [];
  #send!: (b: Buffer) => void;
  #close!: () => void;
  closed = false;
  creds?: Credentials;

  private constructor(readonly transport: Transport) {}

  /**
   * `tlsOptions` go to tls.connect: a TLS client verifies the server's certificate, so give it the
   * `ca` (and `servername` when the certificate names a host). An IPv6 `host` gets an IPv6 socket.
   */
  static async connect(transport: Transport, host: string, port: number, tlsOptions?: tls.ConnectionOptions): Promise<TurnSocketClient> {
    const c = new TurnSocketClient(transport);
    const deliver = (b: Buffer) => {
      c.#inbox.push(Buffer.from(b));
      for (const w of c.#waiters.splice(0)) w();
    };
    if (transport === 'udp') {
      const v6 = host.includes(':');
      const s = dgram.createSocket(v6 ? 'udp6' : 'udp4');
      await new Promise<void>((r) => s.bind(0, v6 ? '::1' : '127.0.0.1', r));
      s.on('message', deliver);
      c.#send = (b) => s.send(b, port, host);
      c.#close = () => s.close();
    } else {
      const s = transport === 'tcp'
        ? net.connect(port, host)
        : tls.connect({ port, host, ...tlsOptions });
      await new Promise<void>((resolve, reject) => {
        s.once(transport === 'tcp' ? 'connect' : 'secureConnect', resolve);
        s.once('error', reject);
      });
      const framer = new StreamFramer(70_000);
      s.on('data', (chunk: Buffer) => framer.push(chunk, (f) => deliver(f.bytes)));
      s.on('error', () => undefined);
      s.on('close', () => {
        c.closed = true;
        for (const w of c.#waiters.splice(0)) w();
      });
      c.#send = (b) => {
        if (!s.destroyed) s.write(b);
      };
      c.#close = () => s.destroy();
    }
    return c;
  }

  /** Removes and returns every message received and not yet taken (relayed data a test ignores). */
  drain(): Buffer[] {
    return this.#inbox.splice(0);
  }

  send(bytes: Buffer): void {
    this.#send(bytes);
  }

  /** The next message matching `pred`, within `timeoutMs`. */
  async next(pred: (b: Buffer) => boolean, timeoutMs = 3000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#inbox.findIndex(pred);
      if (i >= 0) return this.#inbox.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) throw new Error(`no matching message within ${timeoutMs} ms (${this.transport})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a request and waits for the response with its transaction id. */
  async request(r: { bytes: Buffer; txid: Buffer }, timeoutMs = 3000): Promise<ReadResponse> {
    for (let attempt = 0; ; attempt++) {
      this.send(r.bytes);
      try {
        const b = await this.next((m) => looksLikeStun(m) && m.subarray(8, 20).equals(r.txid), this.transport === 'udp' ? 500 : timeoutMs);
        return readResponse(b);
      } catch (err) {
        if (this.transport !== 'udp' || attempt >= Math.ceil(timeoutMs / 500)) throw err; // UDP: retransmit.
      }
    }
  }

  /** 401 challenge, then an authenticated Allocate carrying `extra` attributes (e.g. REQUESTED-ADDRESS-FAMILY). */
  async allocate(user: { username: string; password: string }, extra: OutgoingAttribute[] = []): Promise<ReadResponse> {
    const challenge = await this.request(requests.allocate());
    if (challenge.code !== 401) throw new Error(`expected 401, got ${challenge.code}`);
    this.creds = { ...user, realm: challenge.realm!, nonce: challenge.nonce! };
    return this.request(requests.allocate(this.creds, extra));
  }

  async channelBind(channel: number, address: string, port: number): Promise<ReadResponse> {
    return this.request(requests.channelBind(this.creds!, channel, address, port));
  }

  sendChannelData(channel: number, data: Buffer): void {
    this.send(encodeChannelData(channel, data, this.transport !== 'udp'));
  }

  async nextChannelData(timeoutMs = 3000): Promise<{ channel: number; data: Buffer }> {
    const b = await this.next((m) => looksLikeChannelData(m), timeoutMs);
    return decodeChannelData(b)!;
  }

  close(): void {
    this.closed = true;
    this.#close();
  }
}

export { decodeStun };
