// The codecs Traverse forwards: Opus audio, VP8 and H.264 video. Transport-cc stays off: with werift
// 0.25.2 it makes Chrome's bandwidth estimate collapse (research/webrtc-stack.md §5, quirk 4).
import { RTCRtpCodecParameters } from 'werift';

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

/** What a publisher may send. VP8 first: it is what browsers offer first and decode everywhere. */
export function publisherCodecs(): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  return { audio: [opus()], video: [vp8(), h264('42e01f'), h264('42001f')] };
}

/** A player gets exactly the codec its publisher sends, so payload types map one to one. */
export function playerCodecs(video: RTCRtpCodecParameters | undefined): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  if (!video) return { audio: [opus()], video: [] };
  const copy = new RTCRtpCodecParameters({
    mimeType: video.mimeType,
    clockRate: video.clockRate,
    rtcpFeedback: videoFeedback,
    ...(video.parameters ? { parameters: video.parameters } : {}),
  });
  return { audio: [opus()], video: [copy] };
}

export function codecName(codec: RTCRtpCodecParameters | undefined): string | undefined {
  return codec?.mimeType.split('/')[1];
}
