// WebSocket signaling endpoints (ws and wss, any path), one SignalingConnection per socket.
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { PROTOCOL_LIMITS, serverMessage, type ServerFrame, type TurnCredentials } from '@traverse/protocol';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { SignalingConnection } from './connection.ts';
import { TokenBucket } from '../common/token-bucket.ts';
import { LogLimiter, type LogLimiterOptions } from '../observability/log-limiter.ts';
import { emptyInvalidCounts } from './invalid-reason.ts';
import type { MediaService, RefusedConnectionReason, SignalingCounters } from './types.ts';

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
  /**
   * Mints fresh TURN credentials for the host a client connected to; each connect reply carries them,
   * so our SDK needs no ICE settings from the page. Absent when the embedded TURN is off.
   */
  turnCredentials?: (host: string | undefined) => TurnCredentials;
  /** Rate limits of the log lines about refused frames and connections (tests inject a clock). */
  logLimits?: LogLimiterOptions;
}

/** A client that lets this much unsent data pile up is cut off rather than buffered forever. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class Signaling {
  readonly counters: SignalingCounters = {
    connections: 0, messages: 0, invalid: emptyInvalidCounts(), refusedConnections: { max_connections: 0, max_connections_per_ip: 0 },
  };
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: PROTOCOL_LIMITS.maxMessageBytes, perMessageDeflate: false });
  readonly #sockets = new Map<WebSocket, SignalingConnection>();
  readonly #perIp = new Map<string, number>();
  readonly #log: Logger;
  readonly #limitedLog: LogLimiter;

  constructor(private readonly o: SignalingOptions) {
    this.#log = o.logger.child({ component: 'signaling' });
    this.#limitedLog = new LogLimiter(this.#log, o.logLimits);
  }

  #refuseUpgrade(socket: { end(data: string): void }, remote: string, reason: RefusedConnectionReason, status: string): void {
    this.counters.refusedConnections[reason]++;
    this.#limitedLog.warn('connection refused', { remote, reason }, 'connection refused');
    socket.end(`HTTP/1.1 ${status}\r\n\r\n`);
  }

  /** Serves WebSocket upgrades on an HTTP(S) server, at any path. */
  attach(server: HttpServer): void {
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => undefined);
      const ip = req.socket.remoteAddress ?? '';
      if (this.#sockets.size >= this.o.maxConnections) {
        this.#refuseUpgrade(socket, ip, 'max_connections', '503 Service Unavailable');
        return;
      }
      if ((this.#perIp.get(ip) ?? 0) >= this.o.maxConnectionsPerIp) {
        this.#refuseUpgrade(socket, ip, 'max_connections_per_ip', '429 Too Many Requests');
        return;
      }
      this.#perIp.set(ip, (this.#perIp.get(ip) ?? 0) + 1);
      socket.once('close', () => {
        const left = (this.#perIp.get(ip) ?? 1) - 1;
        if (left <= 0) this.#perIp.delete(ip);
        else this.#perIp.set(ip, left);
      });
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`, req.headers.host));
    });
  }

  #accept(ws: WebSocket, remote: string, host: string | undefined): void {
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
      host,
      media: this.o.media,
      turnCredentials: this.o.turnCredentials,
      logger: this.#log,
      limitedLog: this.#limitedLog,
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
      this.counters.messages++;
      if (!rate.take(Date.now())) {
        // Every frame over the rate is counted, also those still arriving after the close began.
        this.counters.invalid.rate_limited++;
        if (ws.readyState === ws.OPEN) {
          this.#limitedLog.warn('too many messages', { remote, connection: connection.id, reason: 'rate_limited' }, 'too many messages: connection closed');
          ws.close(1008, 'too many messages');
        }
        return;
      }
      if (isBinary) connection.handleBinaryFrame();
      else connection.handleFrame(data.toString());
    });
    ws.on('error', (err) => {
      // ws refuses a frame over maxPayload itself (close 1009) and reports it here.
      if ((err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.counters.messages++;
        this.counters.invalid.too_large++;
        this.#limitedLog.warn('invalid message', { remote, connection: connection.id, reason: 'too_large' }, 'invalid message');
        return;
      }
      this.#log.debug({ err, remote }, 'socket error');
    });
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
    this.#limitedLog.flush();
    for (const [ws, connection] of this.#sockets) {
      connection.close();
      ws.close(1001, 'server shutting down');
    }
    await new Promise((r) => setTimeout(r, 50));
    for (const ws of this.#sockets.keys()) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
