export { Signaling, type SignalingOptions } from './server.ts';
export type { MediaService, MediaRequest, SignalingCounters } from './types.ts';
