// The agent's TLS key and self-signed certificate. Clients do not trust a CA:
// they pin the certificate's SHA-256, which the agent publishes in each
// session's status. So the pair is made once and kept in the state
// directory, and the fingerprint stays valid across restarts.

import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createSelfSigned, type SubjectAltName } from './self-signed-certificate.ts';

export interface TlsIdentity {
  key: Buffer;
  cert: Buffer;
  /** Lowercase hex SHA-256 of the DER certificate: status.runtime.certificateSHA256. */
  sha256: string;
}

/** Clients pin the fingerprint, so a long life only spares restarts a new one. */
const CERTIFICATE_LIFETIME_MS = 3650 * 86_400_000;

export function certificateSHA256(certPem: Buffer | string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
}

/** Subject alternative names for the addresses the agent is reached at (informative: clients pin the fingerprint). */
export function subjectAltNames(addresses: string[]): SubjectAltName[] {
  const names = new Map(addresses.map((a) => [a, isIP(a) ? ('ip' as const) : ('dns' as const)]));
  names.set('localhost', 'dns');
  return [...names].map(([value, type]) => ({ type, value }));
}

export function loadOrCreateTlsIdentity(dir: string, commonName: string, addresses: string[], now = new Date()): TlsIdentity {
  const keyFile = join(dir, 'agent.key');
  const certFile = join(dir, 'agent.crt');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    // A minute back, so a client whose clock is a little behind still accepts it.
    const made = createSelfSigned(commonName, subjectAltNames(addresses), new Date(now.getTime() - 60_000), new Date(now.getTime() + CERTIFICATE_LIFETIME_MS));
    // Written beside and renamed, so a crash midway never leaves half a pair.
    writeFileSync(`${keyFile}.new`, made.key, { mode: 0o600 });
    writeFileSync(`${certFile}.new`, made.cert);
    renameSync(`${keyFile}.new`, keyFile);
    renameSync(`${certFile}.new`, certFile);
  }
  const cert = readFileSync(certFile);
  return { key: readFileSync(keyFile), cert, sha256: certificateSHA256(cert) };
}
