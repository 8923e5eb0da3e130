// Schemas of what a client (the stock Flashphoner SDK or ours) sends. Required fields are strict;
// extra fields are kept, because the stock SDK sends many we do not use (research/wcs-websdk.md §3).
import { z } from 'zod';
import { CLIENT_MESSAGE } from './constants.ts';
import { PROTOCOL_LIMITS as L } from './limits.ts';

const id = z.string().min(1, 'must not be empty').max(L.maxIdLength);
const streamName = z.string().min(1, 'must not be empty').max(L.maxStreamNameLength);
const sdp = z.string().min(1, 'must not be empty').max(L.maxSdpLength);
const jsonPayload = z.unknown().refine(
  (v) => v === undefined || (JSON.stringify(v)?.length ?? 0) <= L.maxDataPayloadBytes,
  `payload larger than ${L.maxDataPayloadBytes} bytes`,
);

/**
 * Whether a JSON text nests arrays/objects deeper than `max`. Checked before JSON.parse: a deeply
 * nested value parses fine but overflows the stack of whatever later walks it (stringify, logging).
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

export const envelopeSchema = z.object({
  message: z.string().min(1).max(L.maxMessageNameLength),
  data: z.array(z.unknown()).max(16).optional(),
});

export const connectionSchema = z.looseObject({
  appKey: z.string().max(256).optional(),
  mediaProviders: z.array(z.string().max(64)).max(16).optional(),
  clientVersion: z.string().max(64).optional(),
  clientOSVersion: z.string().max(1024).optional(),
  clientBrowserVersion: z.string().max(1024).optional(),
  custom: z.unknown().optional(),
});

const streamFields = {
  mediaSessionId: id,
  name: streamName,
  hasVideo: z.boolean().optional(),
  hasAudio: z.boolean().optional(),
  status: z.string().max(64).optional(),
  record: z.boolean().optional(),
  mediaProvider: z.string().max(64).optional(),
  transport: z.enum(['UDP', 'TCP']).optional(),
  custom: z.unknown().optional(),
};

export const publishStreamSchema = z.looseObject({ ...streamFields, published: z.literal(true).optional(), sdp });
export const playStreamSchema = z.looseObject({ ...streamFields, published: z.literal(false).optional(), sdp });
export const stopStreamSchema = z.looseObject({ mediaSessionId: id, name: streamName.optional() });
export const availableStreamSchema = z.looseObject({ mediaSessionId: id.optional(), name: streamName });
export const sendDataSchema = z.looseObject({ operationId: id, payload: jsonPayload });
export const sendStreamEventSchema = z.looseObject({
  mediaSessionId: id,
  type: z.string().min(1).max(64),
  payload: jsonPayload.optional(),
});

export type ConnectionRequest = z.infer<typeof connectionSchema>;
export type PublishStreamRequest = z.infer<typeof publishStreamSchema>;
export type PlayStreamRequest = z.infer<typeof playStreamSchema>;
export type StopStreamRequest = z.infer<typeof stopStreamSchema>;
export type AvailableStreamRequest = z.infer<typeof availableStreamSchema>;
export type SendDataRequest = z.infer<typeof sendDataSchema>;
export type SendStreamEventRequest = z.infer<typeof sendStreamEventSchema>;

/** A validated client message, discriminated by its wire name. */
export type ClientMessage =
  | { message: typeof CLIENT_MESSAGE.CONNECTION; payload: ConnectionRequest }
  | { message: typeof CLIENT_MESSAGE.PUBLISH_STREAM; payload: PublishStreamRequest }
  | { message: typeof CLIENT_MESSAGE.PLAY_STREAM; payload: PlayStreamRequest }
  | { message: typeof CLIENT_MESSAGE.UNPUBLISH_STREAM; payload: StopStreamRequest }
  | { message: typeof CLIENT_MESSAGE.STOP_STREAM; payload: StopStreamRequest }
  | { message: typeof CLIENT_MESSAGE.AVAILABLE_STREAM; payload: AvailableStreamRequest }
  | { message: typeof CLIENT_MESSAGE.SEND_DATA; payload: SendDataRequest }
  | { message: typeof CLIENT_MESSAGE.SEND_STREAM_EVENT; payload: SendStreamEventRequest }
  | { message: typeof CLIENT_MESSAGE.PING; payload: unknown }
  | { message: typeof CLIENT_MESSAGE.PONG; payload: unknown };

const payloadSchemas: Record<ClientMessage['message'], z.ZodType> = {
  [CLIENT_MESSAGE.CONNECTION]: connectionSchema,
  [CLIENT_MESSAGE.PUBLISH_STREAM]: publishStreamSchema,
  [CLIENT_MESSAGE.PLAY_STREAM]: playStreamSchema,
  [CLIENT_MESSAGE.UNPUBLISH_STREAM]: stopStreamSchema,
  [CLIENT_MESSAGE.STOP_STREAM]: stopStreamSchema,
  [CLIENT_MESSAGE.AVAILABLE_STREAM]: availableStreamSchema,
  [CLIENT_MESSAGE.SEND_DATA]: sendDataSchema,
  [CLIENT_MESSAGE.SEND_STREAM_EVENT]: sendStreamEventSchema,
  [CLIENT_MESSAGE.PING]: z.unknown(),
  [CLIENT_MESSAGE.PONG]: z.unknown(),
};

export type ParsedClientMessage =
  | { ok: true; known: true; value: ClientMessage }
  /** A well-formed envelope with a message name we do not handle (logged and ignored). */
  | { ok: true; known: false; message: string }
  /** Invalid input. `message` and `mediaSessionId` are set when they could be read, so the answer can name the stream. */
  | { ok: false; error: string; message?: string; mediaSessionId?: string };

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`)
    .join('; ');
}

/** Parses one WebSocket text frame from a client. Never throws. */
export function parseClientMessage(frame: string): ParsedClientMessage {
  if (frame.length > L.maxMessageBytes) return { ok: false, error: `message larger than ${L.maxMessageBytes} bytes` };
  if (jsonNestsDeeperThan(frame, L.maxJsonDepth)) return { ok: false, error: `JSON nested deeper than ${L.maxJsonDepth} levels` };
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, error: 'malformed JSON' };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, error: `bad envelope: ${describe(envelope.error)}` };
  const name = envelope.data.message;
  const raw = envelope.data.data?.[0];
  const schema = Object.hasOwn(payloadSchemas, name) ? payloadSchemas[name as ClientMessage['message']] : undefined;
  if (!schema) return { ok: true, known: false, message: name };
  let payload: ReturnType<typeof schema.safeParse>;
  try {
    payload = schema.safeParse(raw);
  } catch {
    // zod passes through what a refinement throws; whatever it is, the message is invalid.
    return { ok: false, error: `bad ${name}: unreadable payload`, message: name };
  }
  if (!payload.success) {
    const sid = (raw as { mediaSessionId?: unknown } | null | undefined)?.mediaSessionId;
    const mediaSessionId = typeof sid === 'string' && sid.length > 0 && sid.length <= L.maxIdLength ? sid : undefined;
    return { ok: false, error: `bad ${name}: ${describe(payload.error)}`, message: name, ...(mediaSessionId ? { mediaSessionId } : {}) };
  }
  return { ok: true, known: true, value: { message: name, payload: payload.data } as ClientMessage };
}
