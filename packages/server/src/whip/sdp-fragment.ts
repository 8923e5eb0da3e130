// The body of a WHIP/WHEP PATCH (RFC 8840 application/trickle-ice-sdpfrag): what the server needs to
// tell trickled candidates from an ICE restart (RFC 9725 §4.3). Pure.

export interface SdpFragment {
  iceUfrag?: string;
  icePwd?: string;
  candidates: string[];
  endOfCandidates: boolean;
}

export function parseSdpFragment(text: string): SdpFragment {
  const fragment: SdpFragment = { candidates: [], endOfCandidates: false };
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('a=ice-ufrag:')) fragment.iceUfrag = line.slice('a=ice-ufrag:'.length).trim();
    else if (line.startsWith('a=ice-pwd:')) fragment.icePwd = line.slice('a=ice-pwd:'.length).trim();
    else if (line.startsWith('a=candidate:')) fragment.candidates.push(line.slice(2));
    else if (line === 'a=end-of-candidates') fragment.endOfCandidates = true;
  }
  return fragment;
}

/** The first a=ice-ufrag of an SDP (session or media level): the offerer's ICE username fragment. */
export function iceUfragOf(sdp: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
}

/** `application/sdp; charset=…` → `application/sdp`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
