// What the server sends. Every frame is {"message", "data": [...]}: the stock SDK reads data[0]
// before it looks at the name, so `data` must always be an array (research/wcs-websdk.md §3.1).
import { SERVER_MESSAGE, type StreamStatus, type StreamEventType } from './constants.ts';
import type { ConnectReplyIce, HandedIceServer } from './connect-reply.ts';

export interface ServerFrame<N extends string = string, D extends unknown[] = unknown[]> {
  message: N;
  data: D;
}

/** The stream object of notifyStreamStatusEvent (WCS field names). */
export interface StreamStatusPayload {
  mediaSessionId: string;
  name: string;
  published: boolean;
  hasVideo: boolean;
  hasAudio: boolean;
  status: StreamStatus;
  info: string;
  [extra: string]: unknown;
}

export interface UserDataPayload {
  appKey: string;
  sessionId: string;
  nodeId: string;
  authToken: string;
  mediaProviders: string[];
  clientVersion?: string;
  custom?: unknown;
  /** Ours, not WCS's: ICE servers with fresh TURN credentials for pages that set none (connect-reply.ts). */
  iceServers?: HandedIceServer[];
  iceServersTtl?: number;
  [extra: string]: unknown;
}

export interface StreamEventPayload {
  mediaSessionId: string;
  type: StreamEventType | string;
  payload?: unknown;
}

export interface AvailableStreamPayload {
  id: string;
  /** A string, not a boolean: the stock SDK compares with == "true". */
  status: 'true' | 'false';
  info: string;
}

export interface DataStatusPayload {
  operationId: string;
  status: 'ACCEPTED' | 'FAILED';
  info?: string;
}

export interface FailPayload {
  apiMethod: string;
  /** The stock SDK routes a StreamStatusEvent fail by `id` (the mediaSessionId). */
  id?: string;
  status?: string;
  info: string;
  [extra: string]: unknown;
}

export const serverMessage = {
  getUserData: (data: UserDataPayload): ServerFrame => ({ message: SERVER_MESSAGE.GET_USER_DATA, data: [data] }),
  setRemoteSDP: (mediaSessionId: string, sdp: string): ServerFrame => ({ message: SERVER_MESSAGE.SET_REMOTE_SDP, data: [mediaSessionId, sdp] }),
  streamStatus: (data: StreamStatusPayload): ServerFrame => ({ message: SERVER_MESSAGE.NOTIFY_STREAM_STATUS_EVENT, data: [data] }),
  streamEvent: (data: StreamEventPayload): ServerFrame => ({ message: SERVER_MESSAGE.NOTIFY_STREAM_EVENT, data: [data] }),
  availableStream: (data: AvailableStreamPayload): ServerFrame => ({ message: SERVER_MESSAGE.AVAILABLE_STREAM, data: [data] }),
  dataStatus: (data: DataStatusPayload): ServerFrame => ({ message: SERVER_MESSAGE.DATA_STATUS_EVENT, data: [data] }),
  fail: (data: FailPayload): ServerFrame => ({ message: SERVER_MESSAGE.FAIL, data: [data] }),
  ping: (): ServerFrame => ({ message: SERVER_MESSAGE.PING, data: [null] }),
  updateIceServers: (data: ConnectReplyIce): ServerFrame => ({ message: SERVER_MESSAGE.UPDATE_ICE_SERVERS, data: [data] }),
} as const;
