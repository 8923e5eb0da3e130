// @traverse/turn: a STUN/TURN server (RFC 8489, RFC 8656) over UDP, TCP and TLS.
export { createTurnServer, type TurnServer, type TurnServerOptions } from './server.ts';
export { parseTurnOptions, turnServerOptionsSchema, TurnConfigError, type TurnServerConfig, type TurnServerSettings } from './config.ts';
export { mintRestCredentials, restPassword, type RestCredentials } from './auth/index.ts';
export type { AllocationInfo, AllocationEndReason, TurnEvents, TrafficCounters, TrafficByTransport } from './protocol/index.ts';
export type { TransportAddress } from './stun/index.ts';
export { selfSignedCertificate, type PemPair } from './node/certificate.ts';
