// WHIP (RFC 9725) at /whip/<name> and WHEP (the same shape, for players) at /whep/<name>: the HTTP
// side only. An offer becomes an ordinary publish or play session of the MediaServer, so a WHIP
// stream is listed, played and terminated like any other, and a WHEP player plays any stream.
//   POST    /whip/<name>        application/sdp offer → 201, the answer, Location, ETag, Link ice-server
//   PATCH   /whip/<name>/<id>   trickle (accepted: the server is ICE-lite) or ICE restart (422)
//   DELETE  /whip/<name>/<id>   ends the session → 200
//   OPTIONS both               CORS preflight, Accept-Post / Accept-Patch, and (endpoint) ICE servers
import { STREAM_STATUS, STREAM_STATUS_INFO, type StreamStatus } from '@traverse/protocol/constants';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SessionRequest } from '../media/index.ts';
import { offerShapeProblem, summarizeOffer } from '../media/offer.ts';
import { LogLimiter } from '../observability/log-limiter.ts';
import { checkWhipToken, type WhipTokenSettings } from './bearer-token.ts';
import { refusalOf } from './errors.ts';
import { iceServerLinks, type IceServerCredentials } from './link-header.ts';
import { resourcePath, WhipResources, type WhipKind, type WhipResource } from './resources.ts';
import { iceUfragOf, mediaType, parseSdpFragment } from './sdp-fragment.ts';

/** The part of MediaServer WHIP and WHEP use. */
export interface WhipMedia {
  publish(request: SessionRequest): Promise<string>;
  play(request: SessionRequest): Promise<string>;
  stop(mediaSessionId: string, status: StreamStatus, info: string): boolean;
}

export interface WhipDeps {
  media: WhipMedia;
  logger: Logger;
  /** Bearer tokens for WHIP; WHEP is as open as playing over WebSocket. */
  tokens: WhipTokenSettings;
  /** Fresh TURN credentials for the Link headers (the embedded TURN), given the request's Host. */
  iceServers?: ((host: string | undefined) => IceServerCredentials) | undefined;
  /** Shared by the HTTP and HTTPS listeners, so a session made over one can be ended over the other. */
  resources: WhipResources;
}

const SDP = 'application/sdp';
const SDP_FRAGMENT = 'application/trickle-ice-sdpfrag';
const FINAL: ReadonlySet<string> = new Set([STREAM_STATUS.UNPUBLISHED, STREAM_STATUS.STOPPED, STREAM_STATUS.FAILED]);

const nameParams = z.object({ name: z.string().min(1).max(256) });
const resourceParams = nameParams.extend({ id: z.string().regex(/^[0-9a-f]{32}$/) });

/** CORS for a web client on another origin: every header a WHIP/WHEP client reads is exposed. */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, if-match, if-none-match',
  'access-control-expose-headers': 'location, link, etag, accept-patch, accept-post, allow, www-authenticate, retry-after, content-type',
  'access-control-max-age': '600',
};

function refuse(reply: FastifyReply, status: number, reason: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(`${reason}\n`);
}

/** One endpoint family: `kind` is whip (publish) or whep (play). */
function sessionRoutes(app: FastifyInstance, kind: WhipKind, deps: WhipDeps, log: Logger, limited: LogLimiter): void {
  const base = `/${kind}/:name`;
  const linksFor = (req: FastifyRequest): string[] => (deps.iceServers ? iceServerLinks(deps.iceServers(req.headers.host)) : []);
  const refused = (req: FastifyRequest, reply: FastifyReply, status: number, reason: string) => {
    limited.info(`${kind} refused`, { kind, status, reason, remote: req.socket.remoteAddress }, `${kind} request refused`);
    return refuse(reply, status, reason);
  };

  app.options(base, async (req, reply) => {
    reply.header('allow', 'OPTIONS, POST').header('accept-post', SDP);
    // Not for a CORS preflight: that answer is not readable by the page anyway.
    if (req.headers['access-control-request-method'] === undefined) {
      const links = linksFor(req);
      if (links.length > 0) reply.header('link', links).header('cache-control', 'no-store');
    }
    return reply.code(204).send();
  });

  app.post(base, async (req, reply) => {
    const params = nameParams.safeParse(req.params);
    if (!params.success) return refused(req, reply, 400, 'the stream name must be 1 to 256 characters');
    const { name } = params.data;
    if (kind === 'whip') {
      const auth = checkWhipToken(deps.tokens, name, req.headers.authorization);
      if (!auth.ok) {
        reply.header('www-authenticate', auth.presented ? 'Bearer realm="traverse", error="invalid_token"' : 'Bearer realm="traverse"');
        return refused(req, reply, 401, auth.presented ? 'wrong bearer token for this stream' : 'a bearer token is required to publish this stream');
      }
    }
    if (mediaType(req.headers['content-type']) !== SDP) {
      reply.header('accept-post', SDP);
      return refused(req, reply, 415, `the offer must be sent as ${SDP}, not ${req.headers['content-type'] ?? 'without a Content-Type'}`);
    }
    const sdp = typeof req.body === 'string' ? req.body : '';
    const offer = summarizeOffer(sdp);
    if (!offer || !/^v=0\r?$/m.test(sdp)) return refused(req, reply, 400, 'the body is not an SDP offer');
    const shape = offerShapeProblem(offer);
    if (shape) return refused(req, reply, 400, `unusable offer: ${shape}`);

    const resource = deps.resources.create(kind, name, iceUfragOf(sdp));
    const request: SessionRequest = {
      mediaSessionId: resource.id, name, sdp, ownerId: `${kind}-${resource.id}`, appKey: kind,
      transport: 'UDP',
      onStatus: (status, info) => {
        if (!FINAL.has(status) || !deps.resources.release(resource.id)) return;
        log.info({ kind, stream: name, mediaSessionId: resource.id, status, info }, `${kind} session ended`);
      },
    };
    let answer: string;
    try {
      answer = kind === 'whip' ? await deps.media.publish(request) : await deps.media.play(request);
    } catch (err) {
      deps.resources.release(resource.id);
      const info = typeof (err as { info?: unknown }).info === 'string' ? (err as { info: string }).info : STREAM_STATUS_INFO.FAILED_BY_ERROR;
      const refusal = refusalOf(info, (err as Error).message);
      if (refusal.status === 503) reply.header('retry-after', '5');
      return refused(req, reply, refusal.status, refusal.reason);
    }
    log.info({ kind, stream: name, mediaSessionId: resource.id, remote: req.socket.remoteAddress }, `${kind} session created`);
    const links = linksFor(req);
    if (links.length > 0) reply.header('link', links);
    return reply.code(201)
      .header('location', resourcePath(resource))
      .header('etag', resource.etag)
      .header('accept-patch', SDP_FRAGMENT)
      .header('cache-control', 'no-store')
      .type(SDP)
      .send(answer);
  });

  const notAllowed = async (_req: FastifyRequest, reply: FastifyReply) => refuse(reply.header('allow', 'OPTIONS, POST'), 405, `${kind} endpoints take POST`);
  // HEAD comes with GET (fastify exposes HEAD routes).
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) app.route({ method, url: base, handler: notAllowed });

  const session = `${base}/:id`;
  const lookUp = (req: FastifyRequest): WhipResource | undefined => {
    const params = resourceParams.safeParse(req.params);
    return params.success ? deps.resources.find(kind, params.data.name, params.data.id) : undefined;
  };
  const gone = (req: FastifyRequest, reply: FastifyReply) => refused(req, reply, 404, `no such ${kind.toUpperCase()} session (it ended, or never was)`);

  app.options(session, async (_req, reply) => reply.code(204).header('allow', 'OPTIONS, PATCH, DELETE').header('accept-patch', SDP_FRAGMENT).send());

  app.delete(session, async (req, reply) => {
    const resource = lookUp(req);
    if (!resource) return gone(req, reply);
    deps.resources.release(resource.id);
    deps.media.stop(resource.id, kind === 'whip' ? STREAM_STATUS.UNPUBLISHED : STREAM_STATUS.STOPPED, STREAM_STATUS_INFO.STOPPED_BY_USER);
    log.info({ kind, stream: resource.name, mediaSessionId: resource.id }, `${kind} session deleted`);
    return reply.code(200).send();
  });

  app.patch(session, async (req, reply) => {
    const resource = lookUp(req);
    if (!resource) return gone(req, reply);
    if (mediaType(req.headers['content-type']) !== SDP_FRAGMENT) {
      reply.header('accept-patch', SDP_FRAGMENT);
      return refused(req, reply, 415, `a PATCH carries ${SDP_FRAGMENT}`);
    }
    const ifMatch = req.headers['if-match'];
    const fragment = parseSdpFragment(typeof req.body === 'string' ? req.body : '');
    const restart = ifMatch === '*' || (fragment.iceUfrag !== undefined && fragment.iceUfrag !== resource.iceUfrag);
    // RFC 9725 §4.3.1: trickle is supported, ICE restart is not, so a restart is answered 422.
    if (restart) return refused(req, reply, 422, 'ICE restart is not supported: DELETE this session and POST a new offer');
    if (ifMatch !== undefined && ifMatch !== resource.etag) return refused(req, reply, 412, 'If-Match does not name this session\'s entity-tag');
    // Accepted and not needed: the server is ICE-lite, so it learns the client's addresses from the
    // client's own connectivity checks, and its answer already carried every server candidate.
    return reply.code(204).send();
  });

  const sessionNotAllowed = async (_req: FastifyRequest, reply: FastifyReply) => refuse(reply.header('allow', 'OPTIONS, PATCH, DELETE'), 405,
    `a ${kind.toUpperCase()} session takes PATCH and DELETE (to publish or play, POST to /${kind}/<name>: a stream name is one path segment, with / written %2F)`);
  for (const method of ['GET', 'PUT', 'POST'] as const) app.route({ method, url: session, handler: sessionNotAllowed });
}

/** Fastify plugin: registers /whip/ and /whep/ with their own body parsing and CORS. */
export async function whipRoutes(app: FastifyInstance, deps: WhipDeps): Promise<void> {
  const log = deps.logger.child({ component: 'whip' });
  // Offers and refusals come from whoever reaches the port: a few lines per second, the rest counted.
  const limited = new LogLimiter(log);
  // Every body as text, whatever its type: the handlers answer a wrong type with 415 and a reason.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(CORS);
    // A preflight for headers beyond the usual ones (a client's own): allowed too, no credentials ride on CORS here.
    const asked = req.headers['access-control-request-headers'];
    if (typeof asked === 'string' && /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/.test(asked.trim())) {
      reply.header('access-control-allow-headers', `${CORS['access-control-allow-headers']}, ${asked.trim().toLowerCase()}`);
    }
  });
  sessionRoutes(app, 'whip', deps, log, limited);
  sessionRoutes(app, 'whep', deps, log, limited);
}
