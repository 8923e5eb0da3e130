// Counts and logs (rate-limited) every refused REST API request: a script hammering /rest-api/ from a
// disallowed address, or with bad bodies, must not write a log line per request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { LogLimiter, type LogLimiterOptions } from '../observability/log-limiter.ts';

export const REST_REFUSAL_REASONS = ['forbidden', 'bad_request', 'too_large', 'unsupported_media_type', 'other'] as const;
export type RestRefusalReason = (typeof REST_REFUSAL_REASONS)[number];

const METRIC = 'traverse_rest_refused_total';

/** The reason of a /rest-api/ answer, or undefined when it is no refusal (2xx, and WCS's 404 "Stream not found"). */
export function restRefusalReason(statusCode: number): RestRefusalReason | undefined {
  if (statusCode < 400 || statusCode === 404) return undefined;
  if (statusCode === 403) return 'forbidden';
  if (statusCode === 400) return 'bad_request';
  if (statusCode === 413) return 'too_large';
  if (statusCode === 415) return 'unsupported_media_type';
  return 'other';
}

/** One counter per registry, shared by the HTTP and HTTPS listeners. */
function refusedCounter(registry: Registry): Counter<'reason'> {
  const existing = registry.getSingleMetric(METRIC);
  if (existing) return existing as Counter<'reason'>;
  const counter = new Counter({ name: METRIC, help: 'REST API requests refused, by reason', labelNames: ['reason'], registers: [registry] });
  for (const reason of REST_REFUSAL_REASONS) counter.inc({ reason }, 0);
  return counter;
}

/** An onResponse hook for the HTTP app: counts each refused /rest-api/ request and logs it through a log limiter. */
export function restRefusalHook(deps: { logger: Logger; registry: Registry; logLimits?: LogLimiterOptions }) {
  const counter = refusedCounter(deps.registry);
  const limitedLog = new LogLimiter(deps.logger.child({ component: 'http' }), deps.logLimits);
  return async (req: Pick<FastifyRequest, 'url' | 'method' | 'socket'>, reply: Pick<FastifyReply, 'statusCode'>): Promise<void> => {
    if (!req.url.startsWith('/rest-api/')) return;
    const reason = restRefusalReason(reply.statusCode);
    if (!reason) return;
    counter.inc({ reason });
    // The path only: a query string may carry a token.
    const path = req.url.split('?')[0]!.slice(0, 200);
    limitedLog.warn('REST request refused', { remote: req.socket.remoteAddress, method: req.method, path, status: reply.statusCode, reason }, 'REST request refused');
  };
}
