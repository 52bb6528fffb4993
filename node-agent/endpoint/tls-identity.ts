// The agent's TLS key and self-signed certificate. Clients do not trust a CA:
// they pin the certificate's SHA-256, which the agent publishes in each
// session's status. So the pair is made once and kept in the state
// directory, and the fingerprint stays valid across restarts.
//
// Node has no API to make an X.509 certificate; the openssl command does it
// on first start, which avoids a dependency for one call.

import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
export function subjectAltNames(addresses: string[]): string {
  const names = new Set(addresses.map((a) => (isIP(a) ? `IP:${a}` : `DNS:${a}`)));
  names.add('DNS:localhost');
  return [...names].join(',');
}

export async function loadOrCreateTlsIdentity(dir: string, commonName: string, addresses: string[]): Promise<TlsIdentity> {
  const keyFile = join(dir, 'agent.key');
  const certFile = join(dir, 'agent.crt');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    // Written beside and renamed, so a crash midway never leaves half a pair.
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '3650', '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${subjectAltNames(addresses)}`,
      '-keyout', `${keyFile}.new`, '-out', `${certFile}.new`,
    ], { timeout: 30_000 });
    chmodSync(`${keyFile}.new`, 0o600);
    renameSync(`${keyFile}.new`, keyFile);
    renameSync(`${certFile}.new`, certFile);
  }
  const cert = readFileSync(certFile);
  return { key: readFileSync(keyFile), cert, sha256: certificateSHA256(cert) };
}
