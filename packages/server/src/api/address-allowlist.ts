// Which client addresses may use the REST API. Terminating any stream is one POST away, so by
// default (config restAllowedIps) only this host and private networks may call it.
import { BlockList, isIP } from 'node:net';
import { parseCidr } from '../common/cidr.ts';

export class AddressAllowlist {
  readonly #list = new BlockList();

  /** @param ranges addresses or CIDRs of either family; throws on one that is neither. */
  constructor(readonly ranges: readonly string[]) {
    for (const range of ranges) {
      const cidr = parseCidr(range);
      if ('error' in cidr) throw new TypeError(cidr.error);
      if (cidr.prefix === undefined) this.#list.addAddress(cidr.address, cidr.type);
      else this.#list.addSubnet(cidr.address, cidr.prefix, cidr.type);
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
