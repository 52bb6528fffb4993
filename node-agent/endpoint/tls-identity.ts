// The agent's TLS key and self-signed certificate. Clients do not trust a CA:
// they pin the certificate's SHA-256, which the agent publishes in each
// session's status. So the pair is made once and kept in the state
// directory, and the fingerprint stays valid across restarts.
//
// Node has no API to make an X.509 certificate; @peculiar/x509 makes one on
// WebCrypto, in-process, so the agent image needs no openssl. It is loaded
// only on the first start, when the pair does not exist yet.

import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface TlsIdentity {
  key: Buffer;
  cert: Buffer;
  /** Lowercase hex SHA-256 of the DER certificate: status.runtime.certificateSHA256. */
  sha256: string;
}

export function certificateSHA256(certPem: Buffer | string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
}

/** Subject alternative names for the addresses the agent is reached at (informative: clients pin the fingerprint). */
export function subjectAltNames(addresses: string[]): { type: 'ip' | 'dns'; value: string }[] {
  const names = new Map(addresses.map((a) => [a, isIP(a) ? ('ip' as const) : ('dns' as const)]));
  names.set('localhost', 'dns');
  return [...names].map(([value, type]) => ({ type, value }));
}

async function createSelfSigned(commonName: string, addresses: string[]): Promise<{ key: string; cert: string }> {
  await import('reflect-metadata'); // @peculiar/x509's dependency injection needs it loaded first
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as Crypto);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3650 * 86_400_000),
    keys: keys as CryptoKeyPair,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.SubjectAlternativeNameExtension(subjectAltNames(addresses)),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', (keys as CryptoKeyPair).privateKey)).toString('base64');
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { key, cert: cert.toString('pem') + '\n' };
}

export async function loadOrCreateTlsIdentity(dir: string, commonName: string, addresses: string[]): Promise<TlsIdentity> {
  const keyFile = join(dir, 'agent.key');
  const certFile = join(dir, 'agent.crt');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    // Written beside and renamed, so a crash midway never leaves half a pair.
    const made = await createSelfSigned(commonName, addresses);
    writeFileSync(`${keyFile}.new`, made.key, { mode: 0o600 });
    writeFileSync(`${certFile}.new`, made.cert);
    renameSync(`${keyFile}.new`, keyFile);
    renameSync(`${certFile}.new`, certFile);
  }
  const cert = readFileSync(certFile);
  return { key: readFileSync(keyFile), cert, sha256: certificateSHA256(cert) };
}
