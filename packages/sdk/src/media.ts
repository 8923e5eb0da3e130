// Browser media: local capture, <video> elements, peer-connection configuration.

export interface StreamConstraints {
  audio?: boolean | Record<string, unknown>;
  video?: boolean | Record<string, unknown>;
  customStream?: MediaStream;
}

export const DEFAULT_CONSTRAINTS: StreamConstraints = { audio: true, video: { width: 320, height: 240 } };

/** Options that are ours, not getUserMedia's (bitrates, output device…), are stripped. */
function mediaTrackConstraints(c: boolean | Record<string, unknown> | undefined): boolean | MediaTrackConstraints {
  if (c === undefined) return false;
  if (typeof c === 'boolean') return c;
  const { bitrate, minBitrate, maxBitrate, quality, type, mediaSource, outputId, stereo, fec, ...rest } = c;
  void bitrate; void minBitrate; void maxBitrate; void quality; void type; void mediaSource; void outputId; void stereo; void fec;
  return Object.keys(rest).length > 0 ? (rest as MediaTrackConstraints) : true;
}

export async function captureLocal(constraints: StreamConstraints): Promise<MediaStream> {
  if (constraints.customStream) return constraints.customStream;
  const devices = (globalThis as { navigator?: Navigator }).navigator?.mediaDevices;
  if (!devices?.getUserMedia) throw new Error('getUserMedia is not available (a secure context, https or localhost, is required)');
  return devices.getUserMedia({ audio: mediaTrackConstraints(constraints.audio), video: mediaTrackConstraints(constraints.video) });
}

export function stopTracks(stream: MediaStream | undefined): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
}

/** The <video id=streamId> inside `display` (created if missing), as the stock SDK does. */
export function videoElement(display: HTMLElement | undefined, id: string, local: boolean): HTMLVideoElement | undefined {
  if (!display) return undefined;
  const doc = display.ownerDocument;
  let video = doc.getElementById(id) as HTMLVideoElement | null;
  if (!video) {
    video = doc.createElement('video');
    video.id = id;
    display.appendChild(video);
  }
  video.autoplay = true;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  if (local) video.muted = true;
  video.style.width = '100%';
  video.style.height = '100%';
  return video;
}

export interface IceServerInput {
  url?: string | string[];
  urls?: string | string[];
  username?: string;
  credential?: string;
}

/** RTCPeerConnection configuration from createSession's mediaOptions; `url` is accepted for `urls`. */
export function peerConfiguration(mediaOptions: Record<string, unknown> | undefined): RTCConfiguration {
  const { iceServers, ...rest } = (mediaOptions ?? {}) as { iceServers?: IceServerInput[] } & Record<string, unknown>;
  const servers: RTCIceServer[] = (iceServers ?? []).map((s) => {
    const urls = s.urls ?? s.url;
    return { urls: urls ?? [], ...(s.username !== undefined ? { username: s.username } : {}), ...(s.credential !== undefined ? { credential: s.credential } : {}) };
  });
  // One transport for audio and video: the server answers with BUNDLE, and a relayed client then
  // needs one TURN allocation instead of two.
  return { ...(rest as RTCConfiguration), iceServers: servers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
}

export function removeCodecs(sdp: string, names: string[]): string {
  if (names.length === 0) return sdp;
  const lower = names.map((n) => n.trim().toLowerCase()).filter(Boolean);
  const lines = sdp.split('\r\n');
  const drop = new Set<string>();
  for (const l of lines) {
    const m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(l);
    if (m && lower.includes(m[2]!.toLowerCase())) drop.add(m[1]!);
  }
  // RTX entries whose apt points at a dropped codec go too.
  for (const l of lines) {
    const m = /^a=fmtp:(\d+) apt=(\d+)/.exec(l);
    if (m && drop.has(m[2]!)) drop.add(m[1]!);
  }
  return lines
    .filter((l) => !/^a=(rtpmap|fmtp|rtcp-fb):(\d+)/.test(l) || !drop.has(/^a=\w[\w-]*:(\d+)/.exec(l)![1]!))
    .map((l) => (l.startsWith('m=') ? l.split(' ').filter((p, i) => i < 3 || !drop.has(p)).join(' ') : l))
    .join('\r\n');
}
