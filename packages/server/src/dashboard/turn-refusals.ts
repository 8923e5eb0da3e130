// Counts the embedded TURN server's refusals the dashboard shows: 401 (authentication failed; the
// first challenge of every allocation is not a failure and is not counted), 403 (forbidden peer)
// and 508 (insufficient capacity). Attached as TURN event hooks, which run per refused request, not
// per packet.
export class TurnRefusals {
  readonly counts = { 401: 0, 403: 0, 508: 0 };

  /** The hooks to hand createTurnServer's `events`. */
  readonly events = {
    authFailure: () => {
      this.counts[401]++;
    },
    requestRejected: (_client: unknown, _transport: unknown, _method: string, code: number) => {
      if (code === 403 || code === 508) this.counts[code]++;
    },
  };
}
