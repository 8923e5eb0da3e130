// A throwaway certificate authority and a server certificate it signed, made with openssl in a
// temporary directory that is removed at once: what a TLS client verifies in the TURN/TLS tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** The CA certificate (PEM): what the client trusts. */
  ca: string;
  /** The server certificate (PEM), signed by the CA, and its key. */
  cert: string;
  key: string;
}

/** `names` go into subjectAltName, e.g. ['DNS:turn.test', 'IP:127.0.0.1']. */
export function makeTestPki(commonName: string, names: string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tvturn-pki-'));
  try {
    const at = (f: string) => join(dir, f);
    const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=traverse test CA', '-keyout', at('ca.key'), '-out', at('ca.pem')]);
    openssl(['req', ...ec, '-subj', `/CN=${commonName}`, '-keyout', at('server.key'), '-out', at('server.csr')]);
    writeFileSync(at('ext.cnf'), `subjectAltName=${names.join(',')}\nextendedKeyUsage=serverAuth\n`);
    openssl(['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '1',
      '-extfile', at('ext.cnf'), '-out', at('server.pem')]);
    return { ca: readFileSync(at('ca.pem'), 'utf8'), cert: readFileSync(at('server.pem'), 'utf8'), key: readFileSync(at('server.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
