// Why a signaling frame was refused: the `reason` label of traverse_signaling_invalid_total. A small
// fixed set, so the metric has a bounded number of series and the log limiter a bounded set of kinds.
import { PROTOCOL_LIMITS } from '@traverse/protocol';

export const INVALID_REASONS = [
  /** Not parseable as JSON. */
  'not_json',
  /** JSON, but not `{"message": name, "data": [...]}`. */
  'bad_envelope',
  /** A known message whose payload fails its schema (a missing or wrong field). */
  'bad_field',
  /** Larger than PROTOCOL_LIMITS.maxMessageBytes (the socket is closed with 1009). */
  'too_large',
  /** Arrays/objects nested deeper than PROTOCOL_LIMITS.maxJsonDepth. */
  'too_deep',
  /** A binary WebSocket frame: the protocol is JSON text. */
  'binary',
  /** Over the connection's message rate (the socket is closed with 1008; later frames are dropped). */
  'rate_limited',
  /** A well-formed message name the server does not handle (ignored). */
  'unknown_message',
] as const;

export type InvalidReason = (typeof INVALID_REASONS)[number];

export function emptyInvalidCounts(): Record<InvalidReason, number> {
  return Object.fromEntries(INVALID_REASONS.map((r) => [r, 0])) as Record<InvalidReason, number>;
}

/**
 * The reason for a parse error of `parseClientMessage` (@traverse/protocol), read from its error
 * text; test/signaling/invalid-reason.test.ts pins each text, so a change there fails a test.
 */
export function reasonOfParseError(error: string): InvalidReason {
  if (error === 'malformed JSON') return 'not_json';
  if (error.startsWith('bad envelope:')) return 'bad_envelope';
  if (error.startsWith('message larger than')) return 'too_large';
  if (error.startsWith(`JSON nested deeper than ${PROTOCOL_LIMITS.maxJsonDepth}`)) return 'too_deep';
  return 'bad_field';
}
