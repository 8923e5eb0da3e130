/** Bounds on what a client may send. The server enforces them; the SDK never exceeds them. */
export const PROTOCOL_LIMITS = {
  /** Largest WebSocket text frame accepted from a client. */
  maxMessageBytes: 256 * 1024,
  /** Largest SDP offer accepted. Chromium's offers are ~5–10 KB. */
  maxSdpLength: 128 * 1024,
  maxStreamNameLength: 256,
  maxIdLength: 128,
  maxMessageNameLength: 64,
  /** Deepest nesting of arrays/objects in a frame (the stock SDK's frames nest 3–4 deep). */
  maxJsonDepth: 32,
  /** Largest JSON payload of sendData / sendStreamEvent, serialized. */
  maxDataPayloadBytes: 64 * 1024,
} as const;
