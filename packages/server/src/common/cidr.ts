// An address or CIDR as configuration gives it ("10.0.0.0/8", "::1"). Pure; one parser for the
// config schema's check and the REST allow-list, so both accept exactly the same texts.
import { isIP } from 'node:net';

export type Cidr = { address: string; prefix: number | undefined; type: 'ipv4' | 'ipv6' };

/** The parsed range, or why the text is not one. */
export function parseCidr(text: string): Cidr | { error: string } {
  const [address = '', prefix] = text.split('/');
  const family = isIP(address);
  if (family === 0) return { error: `not an IP address or CIDR: ${JSON.stringify(text)}` };
  if (prefix !== undefined && (!/^\d+$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128))) {
    return { error: `bad prefix length: ${JSON.stringify(text)}` };
  }
  return { address, prefix: prefix === undefined ? undefined : Number(prefix), type: family === 4 ? 'ipv4' : 'ipv6' };
}
