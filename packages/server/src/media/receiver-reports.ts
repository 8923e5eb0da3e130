// A player's link quality from the RTCP receiver reports its browser sends about what we send it
// (RFC 3550 §6.4.1). werift computes an RTT only against its own sender reports, and the forwarder
// sends its own, so it is computed here: a report whose LSR names our last sender report arrived
// DLSR (1/65536 s) after the browser got it, so RTT = arrival − sent − DLSR.

export interface LinkQuality {
  /** Smoothed round-trip time in ms (undefined until a report refers to one of our sender reports). */
  rttMs: number | undefined;
  /** Fraction of packets lost in the last report's interval, 0..1. */
  lossFraction: number | undefined;
}

/** Round-trip time in ms, or undefined when the report does not refer to the last sender report. */
export function roundTripMs(arrivalMs: number, report: { lsr: number; dlsr: number }, lastSent: { lsr: number; sentAtMs: number }): number | undefined {
  if (report.lsr === 0 || report.lsr !== lastSent.lsr) return undefined;
  const rtt = arrivalMs - lastSent.sentAtMs - (report.dlsr / 65536) * 1000;
  return rtt >= 0 ? rtt : undefined;
}

/** Folds one report into the link quality (RTT smoothed like RFC 6298's SRTT, α = 1/8). */
export function applyReport(link: LinkQuality, arrivalMs: number, report: { fractionLost: number; lsr: number; dlsr: number }, lastSent: { lsr: number; sentAtMs: number }): void {
  link.lossFraction = report.fractionLost / 256;
  const rtt = roundTripMs(arrivalMs, report, lastSent);
  if (rtt !== undefined) link.rttMs = link.rttMs === undefined ? rtt : link.rttMs + (rtt - link.rttMs) / 8;
}
