// WebSocket signaling endpoints (ws and wss, any path), one SignalingConnection per socket.
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { PROTOCOL_LIMITS, serverMessage, type ServerFrame } from '@traverse/protocol';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { SignalingConnection } from './connection.ts';
import { TokenBucket } from '../common/token-bucket.ts';
import type { MediaService, SignalingCounters } from './types.ts';

export interface SignalingOptions {
  media: MediaService;
  logger: Logger;
  nodeId: string;
  maxConnections: number;
  /** Signaling connections one client address may hold (a NAT'd office shares one address). */
  maxConnectionsPerIp: number;
  maxStreamsPerConnection: number;
  /** Messages per second one connection may send (bursts of twice that); more closes it with 1008. */
  maxMessagesPerSecond: number;
  pingIntervalMs: number;
}

/** A client that lets this much unsent data pile up is cut off rather than buffered forever. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class Signaling {
  readonly counters: SignalingCounters = { connections: 0, messages: 0, invalidMessages: 0 };
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: PROTOCOL_LIMITS.maxMessageBytes, perMessageDeflate: false });
  readonly #sockets = new Map<WebSocket, SignalingConnection>();
  readonly #perIp = new Map<string, number>();
  readonly #log: Logger;

  constructor(private readonly o: SignalingOptions) {
    this.#log = o.logger.child({ component: 'signaling' });
  }

  /** Serves WebSocket upgrades on an HTTP(S) server, at any path. */
  attach(server: HttpServer): void {
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => undefined);
      if (this.#sockets.size >= this.o.maxConnections) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
        return;
      }
      const ip = req.socket.remoteAddress ?? '';
      if ((this.#perIp.get(ip) ?? 0) >= this.o.maxConnectionsPerIp) {
        socket.end('HTTP/1.1 429 Too Many Requests\r\n\r\n');
        return;
      }
      this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
      socket.once('close', () => {
        const left = (this.#perIp.get(ip) ?? 1) - 1;
        if (left <= 0) this.#perIp.delete(ip);
        else this.#perIp.set(ip, left);
      });
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
    });
  }

  #accept(ws: WebSocket, remote: string): void {
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.#log.warn({ remote }, 'client not reading: connection dropped');
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(frame));
    };
    const connection = new SignalingConnection({
      id: randomUUID(),
      nodeId: this.o.nodeId,
      remote,
      media: this.o.media,
      logger: this.#log,
      maxStreams: this.o.maxStreamsPerConnection,
      counters: this.counters,
      send,
    });
    this.#sockets.set(ws, connection);
    this.counters.connections++;
    let alive = true;
    const ping = setInterval(() => {
      // Transport-level liveness: a peer that answered no ping since the last one is gone.
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
      send(serverMessage.ping());
    }, this.o.pingIntervalMs);
    ws.on('pong', () => (alive = true));
    // A page sends a handful of messages a second: hundreds mean a broken or hostile client.
    const rate = new TokenBucket(this.o.maxMessagesPerSecond, this.o.maxMessagesPerSecond * 2, Date.now());
    ws.on('message', (data, isBinary) => {
      alive = true;
      if (!rate.take(Date.now())) {
        if (ws.readyState === ws.OPEN) {
          this.#log.warn({ remote, connection: connection.id }, 'too many messages: connection closed');
          ws.close(1008, 'too many messages');
        }
        return;
      }
      if (isBinary) connection.handleBinaryFrame();
      else connection.handleFrame(data.toString());
    });
    ws.on('error', (err) => this.#log.debug({ err, remote }, 'socket error'));
    ws.on('close', () => {
      clearInterval(ping);
      this.#sockets.delete(ws);
      connection.close();
    });
  }

  get connections(): number {
    return this.#sockets.size;
  }

  /** Closes every connection (their streams end first, with a status). */
  async close(): Promise<void> {
    for (const [ws, connection] of this.#sockets) {
      connection.close();
      ws.close(1001, 'server shutting down');
    }
    await new Promise((r) => setTimeout(r, 50));
    for (const ws of this.#sockets.keys()) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
