// TLS to a node agent, trusted by fingerprint rather than by a CA: the
// session's status carries the SHA-256 of the agent's certificate, written by
// the agent through the API server, which the client already trusts. The
// handshake finishes and the fingerprint is checked before a single byte of
// HTTP is sent, so a wrong endpoint never sees the attach secret.

import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export class CertificateMismatchError extends Error {
  constructor(readonly expected: string, readonly actual: string) {
    super(
      `the agent's TLS certificate does not match the session (expected SHA-256 ${expected.slice(0, 16)}…, got ${actual.slice(0, 16)}…); ` +
        'refusing to connect: the address may belong to something else',
    );
    this.name = 'CertificateMismatchError';
  }
}

export const certificateSHA256 = (der: Buffer) => createHash('sha256').update(der).digest('hex');

export interface PinOptions {
  /** Lowercase hex SHA-256 of the DER certificate the peer must present. */
  certificateSHA256: string;
  /** Host name for SNI; IP addresses are not sent, as TLS forbids. */
  host?: string;
  handshakeTimeoutMs?: number;
}

/** Runs a TLS handshake over `socket` (TCP or a tunnel) and resolves only if the peer's certificate is the pinned one. */
export function pinTLS(socket: Duplex, opts: PinOptions): Promise<tls.TLSSocket> {
  const expected = opts.certificateSHA256.toLowerCase();
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      // The certificate is self-signed: its identity is the fingerprint checked below.
      rejectUnauthorized: false,
      servername: opts.host && !isIP(opts.host) ? opts.host : undefined,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => fail(new Error('TLS handshake with the agent timed out')), opts.handshakeTimeoutMs ?? 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      secure.destroy();
      socket.destroy();
      reject(err);
    };
    secure.once('error', fail);
    secure.once('secureConnect', () => {
      const actual = certificateSHA256(secure.getPeerCertificate().raw ?? Buffer.alloc(0));
      if (actual !== expected) return fail(new CertificateMismatchError(expected, actual));
      clearTimeout(timer);
      secure.off('error', fail);
      resolve(secure);
    });
  });
}
