// How a player's media reaches it: straight over UDP, or through the embedded TURN server over the
// transport its browser used to reach TURN. The nominated pair's remote address is the TURN relay
// address when relayed, so it is looked up among the embedded TURN's allocations. (No ICE-TCP yet;
// a relay of another TURN server looks direct from here.)

export type ClientTransport = 'udp' | 'tcp' | 'tls';
export type PlayerPath = 'UDP direct' | 'TURN/UDP' | 'TURN/TCP' | 'TURN/TLS' | 'connecting';

export const PLAYER_PATHS: readonly PlayerPath[] = ['UDP direct', 'TURN/UDP', 'TURN/TCP', 'TURN/TLS'];

export interface RelayAllocation {
  transport: ClientTransport;
  relay: { address: string; port: number };
}

/** Relay "ip:port" → the client transport of its allocation. */
export function relaysByAddress(allocations: readonly RelayAllocation[]): Map<string, ClientTransport> {
  return new Map(allocations.map((a) => [`${a.relay.address}:${a.relay.port}`, a.transport]));
}

export function playerPath(remoteAddress: string | undefined, relays: ReadonlyMap<string, ClientTransport>): PlayerPath {
  if (!remoteAddress) return 'connecting';
  const transport = relays.get(remoteAddress);
  return transport ? `TURN/${transport.toUpperCase() as Uppercase<ClientTransport>}` : 'UDP direct';
}
