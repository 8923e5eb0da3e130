// Which client addresses may use the REST API. Terminating any stream is one POST away, so by
// default (config restAllowedIps) only this host and private networks may call it.
import { BlockList, isIP } from 'node:net';

export class AddressAllowlist {
  readonly #list = new BlockList();

  /** @param ranges addresses or CIDRs of either family; throws on one that is neither. */
  constructor(readonly ranges: readonly string[]) {
    for (const range of ranges) {
      const [address = '', prefix] = range.split('/');
      const family = isIP(address);
      if (family === 0) throw new TypeError(`not an IP address or CIDR: ${JSON.stringify(range)}`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.#list.addAddress(address, type);
      else {
        const bits = Number(prefix);
        if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new TypeError(`bad prefix length: ${JSON.stringify(range)}`);
        this.#list.addSubnet(address, bits, type);
      }
    }
  }

  allows(address: string | undefined): boolean {
    if (!address) return false;
    // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return this.#list.check(mapped, 'ipv4');
    const family = isIP(address);
    return family !== 0 && this.#list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
