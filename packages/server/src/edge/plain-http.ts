// Plain HTTP arriving on the public port: the same port speaks HTTPS, so the answer is a redirect to
// https:// on the same host and port (301 for GET/HEAD, 308 keeps other methods), one request per
// connection. A request without a usable Host header gets 400; a WebSocket upgrade in the clear, 400
// naming wss://.
import { createServer, type Server } from 'node:http';

/** A Host header as browsers send it: a name or address, an optional port. Nothing that could bend a header. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Where a plain request for `url` on `host` goes, or undefined when the Host header is unusable. */
export function httpsLocation(host: string | undefined, url: string | undefined): string | undefined {
  if (!host || !HOST.test(host)) return undefined;
  const path = url?.startsWith('/') ? url : '/';
  return `https://${host}${path}`;
}

/** A server that is never listened on: the public port emits 'connection' into it. */
export function plainHttpRedirects(timeoutMs: number): Server {
  const server = createServer({ requestTimeout: timeoutMs, headersTimeout: timeoutMs, keepAliveTimeout: 0 }, (req, res) => {
    const location = httpsLocation(req.headers.host, req.url);
    res.shouldKeepAlive = false;
    if (!location) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('This port speaks HTTPS: use https://\n');
      return;
    }
    const permanent = req.method === 'GET' || req.method === 'HEAD' ? 301 : 308;
    res.writeHead(permanent, { location, 'content-type': 'text/plain' }).end(`This port speaks HTTPS: ${location}\n`);
  });
  server.on('upgrade', (_req, socket) => {
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: 44\r\n\r\nThis port speaks TLS: connect with wss://.\r\n');
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}
