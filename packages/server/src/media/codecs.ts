// The codecs Traverse forwards — Opus audio, VP8 and H.264 (packetization-mode 1) video — and how an
// offer's codecs are matched to them. Browsers differ in payload types, fmtp parameters and feedback
// (Chromium offers VP8 as 96, Firefox as 120 with max-fs/max-fr), so matching goes by name and, for
// H.264, by what a decoder of the offered profile can decode; never by payload type or fmtp text.
// Transport-cc stays off: with werift 0.25.2 it makes Chrome's bandwidth estimate collapse
// (research/webrtc-stack.md §5, quirk 4).
import { STREAM_STATUS_INFO } from '@traverse/protocol/constants';
import { RTCRtpCodecParameters } from 'werift';
import { codecNames, h264Profile, type OfferedCodec } from './offer.ts';
import { MediaError } from './types.ts';

const videoFeedback = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }];

export function opus(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: 'minptime=10;useinbandfec=1' });
}

export function vp8(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: videoFeedback });
}

export function h264(profileLevelId = '42e01f'): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: 'video/H264',
    clockRate: 90000,
    rtcpFeedback: videoFeedback,
    parameters: `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${profileLevelId}`,
  });
}

/** What Traverse forwards, for messages. */
export const FORWARDED_VIDEO = 'VP8, H264 (packetization-mode 1)';
export const FORWARDED_AUDIO = 'opus';

/** A codec of an offer that Traverse will use, and the werift codec that stands for it. */
export interface CodecChoice {
  payloadType: number;
  codec: RTCRtpCodecParameters;
}

/** A publisher's video: the first codec of its offer that Traverse forwards (the offerer's preference). */
export function choosePublisherVideo(offered: readonly OfferedCodec[]): CodecChoice | undefined {
  for (const c of offered) {
    if (c.name === 'VP8') return { payloadType: c.payloadType, codec: vp8() };
    if (c.name === 'H264') {
      const profile = h264Profile(c.fmtp);
      if (profile) return { payloadType: c.payloadType, codec: h264(profile) };
    }
  }
  return undefined;
}

/** Opus, the one audio codec forwarded. */
export function chooseAudio(offered: readonly OfferedCodec[]): CodecChoice | undefined {
  const c = offered.find((o) => o.name === 'opus');
  return c ? { payloadType: c.payloadType, codec: opus() } : undefined;
}

/**
 * Whether a decoder that offers `decoderProfile` decodes a stream of `streamProfile` (H.264
 * profile-level-id, hex). Same profile_idc, and the stream meets every constraint the decoder asks
 * for: a Baseline decoder (42 00) takes Constrained Baseline (42 e0), not the other way round. Levels
 * may differ (browsers offer level-asymmetry-allowed).
 */
export function h264Decodes(decoderProfile: string, streamProfile: string): boolean {
  const decoder = Number.parseInt(decoderProfile.slice(0, 4), 16);
  const stream = Number.parseInt(streamProfile.slice(0, 4), 16);
  if (Number.isNaN(decoder) || Number.isNaN(stream) || decoder >> 8 !== stream >> 8) return false;
  const decoderConstraints = decoder & 0xff;
  const streamConstraints = stream & 0xff;
  return (decoderConstraints & ~streamConstraints & 0xfc) === 0;
}

/** The payload type of a player's offer that carries the stream's video codec, if any. */
export function matchPlayerVideo(offered: readonly OfferedCodec[], stream: RTCRtpCodecParameters): CodecChoice | undefined {
  const name = codecName(stream)!.toUpperCase();
  const streamProfile = name === 'H264' ? h264Profile(stream.parameters ?? '') : undefined;
  for (const c of offered) {
    if (c.name !== name) continue;
    if (name === 'H264') {
      const profile = h264Profile(c.fmtp);
      if (!profile || !streamProfile || !h264Decodes(profile, streamProfile)) continue;
    }
    return { payloadType: c.payloadType, codec: copyCodec(stream) };
  }
  return undefined;
}

function copyCodec(codec: RTCRtpCodecParameters): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: codec.mimeType,
    clockRate: codec.clockRate,
    ...(codec.channels ? { channels: codec.channels } : {}),
    ...(codec.mimeType.startsWith('video/') ? { rtcpFeedback: videoFeedback } : {}),
    ...(codec.parameters ? { parameters: codec.parameters } : {}),
  });
}

/** "VP8", "H264 (42e01f)", for messages and the REST API. */
export function describeCodec(codec: RTCRtpCodecParameters): string {
  const name = codecName(codec)!;
  const profile = name.toUpperCase() === 'H264' ? h264Profile(codec.parameters ?? '') : undefined;
  return profile ? `${name} (${profile})` : name;
}

/** Why a publisher's section offers no codec Traverse forwards (an info detail that names them). */
export function publisherCodecProblem(kind: 'audio' | 'video', offered: readonly OfferedCodec[]): string {
  return `the offer's ${kind} codecs (${codecNames(offered)}) include none Traverse forwards (${kind === 'video' ? FORWARDED_VIDEO : FORWARDED_AUDIO})`;
}

export function codecName(codec: RTCRtpCodecParameters | undefined): string | undefined {
  return codec?.mimeType.split('/')[1];
}

/** FAILED "No common codecs: <detail>": the info names the codecs, so a page can tell its user why. */
export function noCommonCodecs(detail: string): MediaError {
  return new MediaError(`${STREAM_STATUS_INFO.NO_COMMON_CODECS}: ${detail}`, detail);
}
