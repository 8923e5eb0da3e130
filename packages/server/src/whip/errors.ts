// What a WHIP/WHEP client hears when the media layer refuses its offer: an HTTP status it can act on
// (RFC 9725 §4.2, §4.8) and the media layer's reason as text. Pure.
import { STREAM_STATUS_INFO } from '@traverse/protocol/constants';

export interface HttpRefusal {
  status: number;
  reason: string;
}

/** `info` is the WCS status info of a MediaError, `detail` its message. */
export function refusalOf(info: string, detail: string): HttpRefusal {
  if (info === STREAM_STATUS_INFO.STREAM_NAME_ALREADY_IN_USE) return { status: 409, reason: `${info}: another publisher has this stream name` };
  if (info === STREAM_STATUS_INFO.STREAM_NOT_FOUND) return { status: 404, reason: `${info}: nothing is published under this name` };
  if (info.startsWith(STREAM_STATUS_INFO.NO_COMMON_CODECS)) return { status: 400, reason: info };
  // No free media port: the client may try again later (RFC 9725 §4.8 allows 503 with Retry-After).
  if (/no free media port/.test(info)) return { status: 503, reason: `${info}: ${detail}` };
  return { status: 500, reason: detail === info ? info : `${info}: ${detail}` };
}
