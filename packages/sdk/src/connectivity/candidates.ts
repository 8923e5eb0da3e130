// Forcing a direct path from the answer's side: the server answers with all its candidates (UDP, and
// ICE-TCP when it listens), and a probe keeps only those of the transport under test.

const candidateTransport = (line: string) => /^a=candidate:\S+ \d+ (\S+) /i.exec(line)?.[1]?.toLowerCase();

/** The SDP with only the `protocol` candidates of the server, and how many were kept. */
export function keepCandidates(sdp: string, protocol: 'udp' | 'tcp'): { sdp: string; kept: number } {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  let kept = 0;
  const lines = sdp.split(eol).filter((line) => {
    const transport = candidateTransport(line);
    if (transport === undefined) return true;
    if (transport !== protocol) return false;
    kept++;
    return true;
  });
  return { sdp: lines.join(eol), kept };
}
