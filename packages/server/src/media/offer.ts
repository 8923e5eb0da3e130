// Reads what a browser's SDP offer carries, before werift sees it: which media sections, and the
// video codecs in the offerer's order of preference. Pure.

export interface OfferSummary {
  audio: boolean;
  video: boolean;
  /** Every m= section, rejected and non-media ones included: each may cost a socket. */
  sections: number;
  /** Live (port ≠ 0) audio and video sections. */
  audioSections: number;
  videoSections: number;
  /** Video codecs offered, in order: name (e.g. "VP8", "H264") and fmtp parameters. */
  videoCodecs: { name: string; fmtp: string }[];
  audioCodecs: string[];
}

export function summarizeOffer(sdp: string): OfferSummary | undefined {
  if (!sdp.startsWith('v=0')) return undefined;
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  const out: OfferSummary = { audio: false, video: false, sections: sections.length, audioSections: 0, videoSections: 0, videoCodecs: [], audioCodecs: [] };
  for (const section of sections) {
    const lines = section.split(/\r?\n/);
    const m = /^m=(audio|video) (\d+) [^ ]+ (.*)$/.exec(lines[0]!);
    if (!m || m[2] === '0') continue; // Rejected or non-media (data channel) sections.
    const kind = m[1] as 'audio' | 'video';
    out[kind] = true;
    if (kind === 'audio') out.audioSections++;
    else out.videoSections++;
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

/**
 * Why an offer is refused before werift sees it, or undefined. A browser publishes or plays one audio
 * and one video track; werift would open an ICE transport (a UDP socket from the media range) for
 * every section of an offer, so a crafted offer with hundreds could drain the range for everyone.
 */
export function offerShapeProblem(offer: OfferSummary): string | undefined {
  if (offer.sections > MAX_OFFER_SECTIONS) return `the offer has ${offer.sections} media sections; at most ${MAX_OFFER_SECTIONS} are accepted`;
  if (offer.audioSections > 1 || offer.videoSections > 1) return 'the offer has more than one audio or video section';
  return undefined;
}

/** Audio, video, and room for one data channel section. */
export const MAX_OFFER_SECTIONS = 3;
