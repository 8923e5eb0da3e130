// A throwaway TLS certificate for one test run, and the one value that tells Chromium to trust exactly
// that certificate (--ignore-certificate-errors-spki-list), not every certificate.
import { X509Certificate, createHash } from 'node:crypto';
import { selfSignedCertificate, type PemPair } from '@traverse/turn';

/** base64 SHA-256 of the certificate's public key (SubjectPublicKeyInfo, DER). */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** A self-signed certificate for these addresses, with its SPKI hash for the browser to trust. */
export async function throwawayCertificate(ips: string[]): Promise<PemPair & { spki: string }> {
  const pair = await selfSignedCertificate('traverse-test', { ips });
  return { ...pair, spki: spkiSha256(pair.cert) };
}
