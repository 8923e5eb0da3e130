// Reads what a browser's SDP offer carries, before werift sees it: which media sections, and the
// codecs in the offerer's order of preference; and narrows the offer to the codecs Traverse chose,
// so werift (which matches codecs by MIME type alone) answers exactly those. Pure.

export interface OfferedCodec {
  /** Upper-case for video ("VP8", "H264"), lower-case for audio ("opus"), as browsers spell them. */
  name: string;
  payloadType: number;
  /** The a=fmtp parameters, or "". */
  fmtp: string;
}

export interface OfferSummary {
  audio: boolean;
  video: boolean;
  /** Every m= section, rejected and non-media ones included: each may cost a socket. */
  sections: number;
  /** Live audio and video sections (a port ≠ 0, or bundle-only). */
  audioSections: number;
  videoSections: number;
  /** Codecs offered, in order of preference. */
  videoCodecs: OfferedCodec[];
  audioCodecs: OfferedCodec[];
}

/** Codec names that are not media of their own: retransmission, redundancy and FEC wrappers. */
const WRAPPERS = new Set(['RTX', 'RED', 'ULPFEC', 'FLEXFEC-03', 'CN', 'TELEPHONE-EVENT']);

interface Section {
  lines: string[];
  kind: string;
  port: number;
  formats: string[];
  bundleOnly: boolean;
}

function splitSections(sdp: string): { head: string[]; sections: Section[]; eol: string } {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const parts = sdp.split(/\r?\n(?=m=)/);
  const head = parts[0]!.split(/\r?\n/);
  const sections = parts.slice(1).map((text) => {
    const lines = text.split(/\r?\n/);
    const m = /^m=(\S+) (\d+)(?:\/\d+)? \S+ ?(.*)$/.exec(lines[0]!);
    return {
      lines,
      kind: m?.[1] ?? '',
      port: m ? Number(m[2]) : 0,
      formats: m?.[3]?.trim().split(/\s+/).filter(Boolean) ?? [],
      bundleOnly: lines.includes('a=bundle-only'),
    };
  });
  return { head, sections, eol };
}

/**
 * A section is live when its port is not 0, or when it is bundle-only: with max-bundle, JSEP offers
 * every section but the first with port 0 and a=bundle-only (Firefox does), and those are not rejected.
 */
function isLive(s: Section): boolean {
  return s.port !== 0 || s.bundleOnly;
}

function codecsOf(s: Section, kind: 'audio' | 'video'): OfferedCodec[] {
  const names = new Map<string, string>();
  const fmtps = new Map<string, string>();
  for (const l of s.lines) {
    const rtpmap = /^a=rtpmap:(\d+) ([^/\s]+)\//.exec(l);
    if (rtpmap) names.set(rtpmap[1]!, rtpmap[2]!);
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(l);
    if (fmtp) fmtps.set(fmtp[1]!, fmtp[2]!.trim());
  }
  const out: OfferedCodec[] = [];
  for (const pt of s.formats) {
    const name = names.get(pt);
    if (!name || !/^\d+$/.test(pt)) continue;
    out.push({ name: kind === 'video' ? name.toUpperCase() : name.toLowerCase(), payloadType: Number(pt), fmtp: fmtps.get(pt) ?? '' });
  }
  return out;
}

export function summarizeOffer(sdp: string): OfferSummary | undefined {
  if (!sdp.startsWith('v=0')) return undefined;
  const { sections } = splitSections(sdp);
  const out: OfferSummary = { audio: false, video: false, sections: sections.length, audioSections: 0, videoSections: 0, videoCodecs: [], audioCodecs: [] };
  for (const s of sections) {
    if ((s.kind !== 'audio' && s.kind !== 'video') || !isLive(s)) continue; // rejected, or a data channel
    out[s.kind] = true;
    if (s.kind === 'audio') {
      out.audioSections++;
      out.audioCodecs.push(...codecsOf(s, 'audio'));
    } else {
      out.videoSections++;
      out.videoCodecs.push(...codecsOf(s, 'video'));
    }
  }
  return out;
}

/** The media codecs of a list, without wrappers (rtx, red, ulpfec…), for messages: "VP9, AV1". */
export function codecNames(codecs: readonly OfferedCodec[]): string {
  const names = [...new Set(codecs.filter((c) => !WRAPPERS.has(c.name.toUpperCase())).map((c) => c.name))];
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * The offer as werift should see it:
 * - bundle-only sections get the placeholder port 9 (werift treats port 0 as rejected);
 * - each live audio/video section keeps only the payload type chosen for its kind (werift picks the
 *   first codec with a matching MIME type, whatever its profile or packetization mode);
 * - transport-cc feedback is dropped (research/webrtc-stack.md §5 quirk 4).
 * Sections of a kind with no chosen payload type are left for werift to reject.
 */
export function narrowOffer(sdp: string, chosen: { audio?: number; video?: number }): string {
  const { head, sections, eol } = splitSections(sdp);
  const out = [...head];
  for (const s of sections) {
    const isMedia = (s.kind === 'audio' || s.kind === 'video') && isLive(s);
    const keep = isMedia ? chosen[s.kind as 'audio' | 'video'] : undefined;
    if (!isMedia || keep === undefined) {
      out.push(...s.lines);
      continue;
    }
    const [mLine, ...rest] = s.lines;
    const m = /^m=(\S+) \d+((?:\/\d+)? \S+) /.exec(mLine!)!;
    out.push(`m=${m[1]} ${s.port === 0 ? 9 : s.port}${m[2]} ${keep}`);
    for (const l of rest) {
      if (l === 'a=bundle-only') continue;
      const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+|\*)[ ]/.exec(l)?.[1];
      if (pt !== undefined && pt !== '*' && Number(pt) !== keep) continue;
      if (/^a=rtcp-fb:\S+ transport-cc\b/.test(l)) continue;
      out.push(l);
    }
  }
  return out.join(eol);
}

/** profile-level-id of an H.264 fmtp line, lowercase, when packetization-mode is 1. */
export function h264Profile(fmtp: string): string | undefined {
  const params = new Map(fmtp.split(';').map((kv) => kv.trim().split('=') as [string, string]));
  if (params.get('packetization-mode') !== '1') return undefined;
  // RFC 6184 §8.1: without profile-level-id the stream is Baseline, level 1.0.
  return params.get('profile-level-id')?.toLowerCase() ?? '420010';
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
