// Reads what a browser's SDP offer carries, before werift sees it: which media sections, and the
// video codecs in the offerer's order of preference. Pure.

export interface OfferSummary {
  audio: boolean;
  video: boolean;
  /** Video codecs offered, in order: name (e.g. "VP8", "H264") and fmtp parameters. */
  videoCodecs: { name: string; fmtp: string }[];
  audioCodecs: string[];
}

export function summarizeOffer(sdp: string): OfferSummary | undefined {
  if (!sdp.startsWith('v=0')) return undefined;
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  const out: OfferSummary = { audio: false, video: false, videoCodecs: [], audioCodecs: [] };
  for (const section of sections) {
    const lines = section.split(/\r?\n/);
    const m = /^m=(audio|video) (\d+) [^ ]+ (.*)$/.exec(lines[0]!);
    if (!m || m[2] === '0') continue; // Rejected or non-media (data channel) sections.
    const kind = m[1] as 'audio' | 'video';
    out[kind] = true;
    const order = m[3]!.trim().split(/\s+/);
    const names = new Map<string, string>();
    const fmtps = new Map<string, string>();
    for (const l of lines) {
      const rtpmap = /^a=rtpmap:(\d+) ([^/]+)\//.exec(l);
      if (rtpmap) names.set(rtpmap[1]!, rtpmap[2]!);
      const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(l);
      if (fmtp) fmtps.set(fmtp[1]!, fmtp[2]!.trim());
    }
    for (const pt of order) {
      const name = names.get(pt);
      if (!name) continue;
      if (kind === 'video') out.videoCodecs.push({ name: name.toUpperCase(), fmtp: fmtps.get(pt) ?? '' });
      else out.audioCodecs.push(name.toLowerCase());
    }
  }
  return out;
}

/** profile-level-id of an H.264 fmtp line, lowercase, when packetization-mode is 1. */
export function h264Profile(fmtp: string): string | undefined {
  const params = new Map(fmtp.split(';').map((kv) => kv.trim().split('=') as [string, string]));
  if (params.get('packetization-mode') !== '1') return undefined;
  return params.get('profile-level-id')?.toLowerCase();
}
