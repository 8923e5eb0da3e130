// A throwaway self-signed certificate for TLS when none is configured (development only: browsers
// reject it unless told to trust it). Generated in memory with @peculiar/x509 on WebCrypto.
import { webcrypto } from 'node:crypto';

export interface PemPair {
  cert: string;
  key: string;
}

export async function selfSignedCertificate(commonName: string, altNames: { dns?: string[]; ips?: string[] } = {}): Promise<PemPair> {
  // Loaded here, not at start-up: the library and its polyfills hold ~20 MB of RSS that a server
  // with a configured certificate never needs. @peculiar/x509 resolves its services through
  // tsyringe, which needs the Reflect metadata polyfill first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  // Node's webcrypto is the Crypto object the library expects; the DOM and Node typings disagree on it.
  x509.cryptoProvider.set(webcrypto as never);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const names = [
    ...(altNames.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(altNames.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const key = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}
