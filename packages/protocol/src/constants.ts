// String constants of the Flashphoner Web SDK wire protocol and public API. Values are exactly the
// stock SDK's (research/wcs-websdk.md §2.3), because application code switches on them.
// No zod here: the browser SDK imports this file at runtime.

export const SESSION_STATUS = {
  CONNECTED: 'CONNECTED',
  ESTABLISHED: 'ESTABLISHED',
  DISCONNECTED: 'DISCONNECTED',
  WARN: 'WARN',
  FAILED: 'FAILED',
  DEBUG: 'DEBUG',
  APP_DATA: 'APP_DATA',
  SEND_DATA_STATUS: 'SEND_DATA_STATUS',
  PENDING: 'PENDING',
  REGISTERED: 'REGISTERED',
  UNREGISTERED: 'UNREGISTERED',
  INCOMING_CALL: 'INCOMING_CALL',
} as const;
export type SessionStatus = (typeof SESSION_STATUS)[keyof typeof SESSION_STATUS];

export const STREAM_STATUS = {
  NEW: 'NEW',
  PENDING: 'PENDING',
  PUBLISHING: 'PUBLISHING',
  PLAYING: 'PLAYING',
  PAUSED: 'PAUSED',
  UNPUBLISHED: 'UNPUBLISHED',
  STOPPED: 'STOPPED',
  FAILED: 'FAILED',
  PLAYBACK_PROBLEM: 'PLAYBACK_PROBLEM',
  RESIZE: 'RESIZE',
  SNAPSHOT_COMPLETE: 'SNAPSHOT_COMPLETE',
  NOT_ENOUGH_BANDWIDTH: 'NOT_ENOUGH_BANDWIDTH',
} as const;
export type StreamStatus = (typeof STREAM_STATUS)[keyof typeof STREAM_STATUS];

/** The `info` strings a server puts in stream status events. */
export const STREAM_STATUS_INFO = {
  FAILED_BY_ICE_ERROR: 'Failed by ICE error',
  FAILED_BY_ICE_TIMEOUT: 'Failed by ICE timeout',
  FAILED_BY_KEEP_ALIVE: 'Failed by ICE keep alive',
  FAILED_BY_DTLS_FINGERPRINT_ERROR: 'Failed by DTLS fingerprint error',
  FAILED_BY_DTLS_ERROR: 'Failed by DTLS error',
  FAILED_BY_HLS_WRITER_ERROR: 'Failed by HLS writer error',
  FAILED_BY_RTMP_WRITER_ERROR: 'Failed by RTMP writer error',
  FAILED_BY_RTP_ACTIVITY: 'Failed by RTP activity',
  STOPPED_BY_SESSION_DISCONNECT: 'Stopped by session disconnect',
  STOPPED_BY_REST_TERMINATE: 'Stopped by rest /terminate',
  STOPPED_BY_PUBLISHER_STOP: 'Stopped by publisher stop',
  STOPPED_BY_USER: 'Stopped by user',
  FAILED_BY_ERROR: 'Failed by error',
  FAILED_TO_ADD_STREAM_TO_PROXY: 'Failed to add stream to proxy',
  DISTRIBUTOR_STOPPED: 'Distributor stopped',
  PUBLISH_STREAM_IS_NOT_READY: 'Publish stream is not ready',
  STREAM_NOT_FOUND: 'Stream not found',
  STREAM_NAME_ALREADY_IN_USE: 'Stream name is already in use',
  MEDIASESSION_ID_NULL: 'MediaSessionId is null',
  MEDIASESSION_ID_ALREADY_IN_USE: 'MediaSessionId is already in use',
  SESSION_NOT_READY: 'Session not ready',
  SESSION_DOES_NOT_EXIST: 'Session does not exist',
  RTSP_HAS_WRONG_FORMAT: 'Rtsp has wrong format',
  FILE_HAS_WRONG_FORMAT: 'File has wrong format',
  FAILED_TO_CONNECT_TO_RTSP_STREAM: 'Failed to connect to rtsp stream',
  RTSP_STREAM_NOT_FOUND: 'Rtsp stream not found',
  RTSPAGENT_SHUTDOWN: 'RtspAgent shutdown',
  STREAM_FAILED: 'Stream failed',
  NO_COMMON_CODECS: 'No common codecs',
  BAD_URI: 'Bad URI',
  GOT_EXCEPTION_WHILE_STREAMING_FILE: 'Got exception while streaming file',
  REQUESTED_STREAM_SHUTDOWN: 'Requested stream shutdown',
  FAILED_TO_READ_FILE: 'Failed to read file',
  FILE_NOT_FOUND: 'File not found',
  FAILED_TO_CONNECT_TO_ORIGIN_STREAM: 'Failed to connect to origin stream',
  CDN_STREAM_NOT_FOUND: 'CDN stream not found',
  FAILED_TO_GET_AGENT_STORAGE: 'Failed to get agent storage',
  AGENT_SERVICING_ORIGIN_STREAM_IS_SHUTTING_DOWN: 'Agent servicing origin stream is shutting down',
  TERMINATED_BY_KEEP_ALIVE: 'Terminated by keep-alive',
  TRANSCODING_REQUIRED_BUT_DISABLED: 'Transcoding required, but disabled',
  RESTRICTED_ACCESS: 'Restricted access',
  NO_AVAILABLE_TRANSCODERS: 'No available transcoders',
} as const;

export const STREAM_EVENT = 'STREAM_EVENT' as const;

export const STREAM_EVENT_TYPE = {
  AUDIO_MUTED: 'audioMuted',
  AUDIO_UNMUTED: 'audioUnmuted',
  VIDEO_MUTED: 'videoMuted',
  VIDEO_UNMUTED: 'videoUnmuted',
  DATA: 'data',
  SNAPSHOT_COMPLETED: 'snapshotCompleted',
  SNAPSHOT_FAILED: 'snapshotFailed',
  RESIZE: 'resize',
  NOT_ENOUGH_BANDWIDTH: 'notEnoughBandwidth',
  // The stock SDK uses this type without defining it (its events fire with type undefined).
  UNMUTE_REQUIRED: 'unmuteRequired',
} as const;
export type StreamEventType = (typeof STREAM_EVENT_TYPE)[keyof typeof STREAM_EVENT_TYPE];

/** Client-side error strings of the SDK. */
export const ERROR_INFO = {
  NONE_OF_MEDIAPROVIDERS_AVAILABLE: 'None of MediaProviders available',
  NONE_OF_PREFERRED_MEDIAPROVIDERS_AVAILABLE: 'None of preferred MediaProviders available',
  FLASHPHONER_API_NOT_INITIALIZED: 'Flashphoner API is not initialized',
  OPTIONS_URLSERVER_MUST_BE_PROVIDED: 'options.urlServer must be provided',
  INVALID_SESSION_STATE: 'Invalid session state',
  OPTIONS_MUST_BE_PROVIDED: 'options must be provided',
  INVALID_CALL_STATE: 'Invalid call state',
  EVENT_CANT_BE_NULL: "Event can't be null",
  CALLBACK_NEEDS_TO_BE_A_VALID_FUNCTION: 'Callback needs to be a valid function',
  OPTIONS_NAME_MUST_BE_PROVIDED: 'options.name must be provided',
  CAN_NOT_SWITCH_CAM: 'Number of cams is less than 2 or camera is already used by other application',
  CAN_NOT_SWITCH_MIC: 'Number of mics is less than 2 or microphone is already used by other application',
  CAN_NOT_SET_RESOLUTION: 'Cannot switch a published stream resolution',
  CAN_NOT_GET_STATS: 'Cannot get PeerConnection stats',
  LOCAL_ERROR: 'Local error',
} as const;

export const TRANSPORT_TYPE = { UDP: 'UDP', TCP: 'TCP' } as const;

export const CONNECTION_QUALITY = {
  PERFECT: 'PERFECT',
  GOOD: 'GOOD',
  BAD: 'BAD',
  UNKNOWN: 'UNKNOWN',
  UPDATE: 'UPDATE',
} as const;

export const MEDIA_DEVICE_KIND = { OUTPUT: 'output', INPUT: 'input', ALL: 'all' } as const;

export const CONTENT_HINT_TYPE = { MOTION: 'motion', DETAIL: 'detail', TEXT: 'text' } as const;

/** Message names on the wire, client → server. */
export const CLIENT_MESSAGE = {
  CONNECTION: 'connection',
  PUBLISH_STREAM: 'publishStream',
  PLAY_STREAM: 'playStream',
  UNPUBLISH_STREAM: 'unPublishStream',
  STOP_STREAM: 'stopStream',
  PING: 'ping',
  PONG: 'pong',
  AVAILABLE_STREAM: 'availableStream',
  SEND_DATA: 'sendData',
  SEND_STREAM_EVENT: 'sendStreamEvent',
} as const;

/** Message names on the wire, server → client. */
export const SERVER_MESSAGE = {
  GET_USER_DATA: 'getUserData',
  SET_REMOTE_SDP: 'setRemoteSDP',
  NOTIFY_STREAM_STATUS_EVENT: 'notifyStreamStatusEvent',
  NOTIFY_STREAM_EVENT: 'notifyStreamEvent',
  AVAILABLE_STREAM: 'availableStream',
  DATA_STATUS_EVENT: 'DataStatusEvent',
  ON_DATA_EVENT: 'OnDataEvent',
  FAIL: 'fail',
  PING: 'ping',
  /** Ours, not WCS's: fresh TURN credentials before the connect reply's expire (docs/sdk.md). */
  UPDATE_ICE_SERVERS: 'updateIceServers',
} as const;
