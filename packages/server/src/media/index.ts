export { MediaServer, type MediaServerOptions, type TerminateFilter } from './media-server.ts';
export { MediaError, type MediaStats, type PlayerObservation, type SessionInfo, type SessionKind, type SessionRequest, type StatusListener, type StreamObservation } from './types.ts';
export type { MediaNetworkOptions } from './peer-factory.ts';
export type { SessionTimeouts } from './session.ts';
