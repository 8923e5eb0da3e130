// Which peers a TURN allocation may talk to. Safe by default: loopback, private, link-local,
// multicast, reserved and the server's own addresses are refused (SSRF guard; see the Slack TURN
// incident and CVE-2020-26262 / CVE-2026-27624 in research/turn-anchors.md §1.2).
import { parseIP, unwrapMappedIPv4 } from '../stun/index.ts';
import { IpRangeSet, parseIpRange, type IpRange } from './ip-range.ts';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const DEFAULT_DENIED = [
  '0.0.0.0/8', // "this network"; 0.0.0.0 reaches the host itself (CVE-2020-26262)
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', // RFC 1918
  '100.64.0.0/10', // carrier-grade NAT
  '169.254.0.0/16', // link-local, cloud metadata services
  '192.0.0.0/24', // IETF protocol assignments
  '198.18.0.0/15', // benchmarking
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and 255.255.255.255 broadcast
  '::/96', // unspecified, and IPv4-compatible IPv6 (::a.b.c.d), which some hosts tunnel to IPv4
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'ff00::/8', // multicast
  '64:ff9b::/96', '64:ff9b:1::/48', // NAT64: would reach IPv4 targets behind the checks above
  '2002::/16', // 6to4
  '2001::/32', // Teredo
];

export type PeerDecision = { allowed: true } | { allowed: false; reason: string };

export interface PeerPolicyOptions {
  /** Ranges always allowed (coturn --allowed-peer-ip); they win over every deny rule. */
  allowed?: readonly string[];
  /**
   * When set, peers in `allowed` may be reached on these ports only (inclusive). The embedded TURN
   * allows the media server's addresses, and only its media ports: not every UDP service of that host.
   */
  allowedPorts?: readonly [number, number];
  /** Ranges denied in addition to the defaults (coturn --denied-peer-ip). */
  denied?: readonly string[];
  /** Allow loopback peers and the server's own addresses (tests only; coturn --allow-loopback-peers). */
  allowLoopback?: boolean;
  /** The server's own listening and relay addresses. */
  ownAddresses?: readonly string[];
}

function parseAll(list: readonly string[], what: string): IpRange[] {
  return list.map((text) => {
    const r = parseIpRange(text);
    if (!r) throw new TypeError(`${what}: not an IP address, CIDR or range: ${JSON.stringify(text)}`);
    return r;
  });
}

export class PeerPolicy {
  readonly #allowed: IpRangeSet;
  readonly #denied: IpRangeSet;
  readonly #loopback = new IpRangeSet(parseAll(LOOPBACK, 'loopback'));
  readonly #own: IpRangeSet;
  readonly #allowLoopback: boolean;
  readonly #allowedPorts: readonly [number, number] | undefined;

  constructor(options: PeerPolicyOptions = {}) {
    this.#allowed = new IpRangeSet(parseAll(options.allowed ?? [], 'allowedPeerIps'));
    this.#denied = new IpRangeSet([...parseAll(DEFAULT_DENIED, 'default'), ...parseAll(options.denied ?? [], 'deniedPeerIps')]);
    // Unspecified addresses in the listen list (0.0.0.0, ::) mean "every local address": the
    // default deny list already refuses them as peers.
    this.#own = new IpRangeSet(parseAll((options.ownAddresses ?? []).filter((a) => a !== '0.0.0.0' && a !== '::'), 'own address'));
    this.#allowLoopback = options.allowLoopback ?? false;
    this.#allowedPorts = options.allowedPorts;
  }

  /**
   * For data to an address already permitted (Send indications): whether its port is allowed too.
   * Per packet, so it returns at once when no port restriction is configured.
   */
  allowsPort(address: string, port: number): boolean {
    if (port === 0) return false;
    if (!this.#allowedPorts) return true;
    return this.check(address, port).allowed;
  }

  /**
   * Decides on a peer address in text form, and on its port when there is one (ChannelBind, Send;
   * CreatePermission is per address).
   */
  check(address: string, port?: number): PeerDecision {
    const parsed = parseIP(address);
    if (!parsed) return { allowed: false, reason: 'not an IP address' };
    const bytes = unwrapMappedIPv4(parsed);
    const listed = this.#allowed.find(bytes);
    if (listed) {
      const range = this.#allowedPorts;
      if (port !== undefined && range && (port < range[0] || port > range[1])) {
        return { allowed: false, reason: `port ${port} of ${listed.text} is outside the allowed peer ports ${range[0]}-${range[1]}` };
      }
      return { allowed: true };
    }
    const loop = this.#loopback.find(bytes);
    if (loop) return this.#allowLoopback ? { allowed: true } : { allowed: false, reason: `loopback peer (${loop.text})` };
    const own = this.#own.find(bytes);
    if (own) return this.#allowLoopback ? { allowed: true } : { allowed: false, reason: `the server's own address (${own.text})` };
    const denied = this.#denied.find(bytes);
    if (denied) return { allowed: false, reason: `denied range ${denied.text}` };
    return { allowed: true };
  }
}
