// Clients for the public-port tests: raw TCP and TLS connections whose bytes and timing the test
// controls, and HTTPS requests that trust exactly the test's certificate.
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** Resolves once the socket is closed (by the server), or rejects after `ms`. What it sends is discarded. */
export function closedWithin(socket: net.Socket, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.closed) return resolve();
    // Unread bytes (a TLS alert) would hold back the end of the stream, and so the close.
    socket.resume();
    const timer = setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A TCP connection to 127.0.0.1:port (from `localAddress`, another loopback address, if given). */
export async function tcp(port: number, localAddress?: string): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** A TLS connection that trusts `ca`, handshake done. */
export async function tlsTo(port: number, ca: string): Promise<tls.TLSSocket> {
  const socket = tls.connect({ port, host: '127.0.0.1', ca });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Everything the server sends until it closes, bounded. */
export function readAll(socket: net.Socket, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no close within ${ms} ms; read: ${text.slice(0, 200)}`)), ms);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET over HTTPS on a fresh connection, trusting `ca`; bounded. */
export function httpsGet(port: number, path: string, ca: string, ms = 10_000): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path, ca, agent: false, timeout: ms }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within ${ms} ms`)));
    req.on('error', reject);
  });
}
