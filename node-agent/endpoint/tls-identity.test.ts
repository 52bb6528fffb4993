import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createSelfSigned, ipBytes } from './self-signed-certificate.ts';
import { certificateSHA256, loadOrCreateTlsIdentity, subjectAltNames } from './tls-identity.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');

test('the certificate reads back with its name, addresses, validity and own signature', () => {
  const made = createSelfSigned('kubectl-debug-agent.node-1', subjectAltNames(['10.0.0.7', 'node-1.internal', 'fd00::7']),
    new Date('2026-03-01T11:59:00Z'), new Date('2036-02-27T12:00:00Z'));
  const cert = new X509Certificate(made.cert);
  assert.is(cert.subject, 'CN=kubectl-debug-agent.node-1');
  assert.is(cert.issuer, cert.subject);
  assert.is(cert.subjectAltName, 'IP Address:10.0.0.7, DNS:node-1.internal, IP Address:FD00:0:0:0:0:0:0:7, DNS:localhost');
  assert.is(cert.ca, false);
  assert.is(new Date(cert.validFrom).toISOString(), '2026-03-01T11:59:00.000Z');
  assert.is(new Date(cert.validTo).toISOString(), '2036-02-27T12:00:00.000Z');
  assert.ok(cert.verify(cert.publicKey));
  assert.ok(cert.checkPrivateKey(createPrivateKey(made.key)));
  assert.is(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.match(cert.serialNumber, /^[4-7][0-9A-F]{31}$/);
});

test('a validity past 2049 is written as GeneralizedTime', () => {
  const made = createSelfSigned('agent', [], new Date('2049-12-31T23:59:59Z'), new Date('2060-01-02T03:04:05Z'));
  const cert = new X509Certificate(made.cert);
  assert.is(new Date(cert.validFrom).toISOString(), '2049-12-31T23:59:59.000Z');
  assert.is(new Date(cert.validTo).toISOString(), '2060-01-02T03:04:05.000Z');
});

test('IP addresses are encoded as 4 or 16 bytes', () => {
  assert.is(ipBytes('192.168.1.20').toString('hex'), 'c0a80114');
  assert.is(ipBytes('::1').toString('hex'), '00000000000000000000000000000001');
  assert.is(ipBytes('2001:db8::8:800:200c:417a').toString('hex'), '20010db80000000000080800200c417a');
  assert.is(ipBytes('::ffff:10.0.0.1').toString('hex'), '00000000000000000000ffff0a000001');
  assert.is(ipBytes('fe80::1%eth0').toString('hex'), 'fe800000000000000000000000000001');
  assert.throws(() => ipBytes('node-1'), /not an IP address/);
});

test('the identity is made once, kept, and serves TLS with the published fingerprint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-identity-'));
  const first = loadOrCreateTlsIdentity(dir, 'kubectl-debug-agent.node-1', ['127.0.0.1'], NOW);
  const again = loadOrCreateTlsIdentity(dir, 'kubectl-debug-agent.node-1', ['127.0.0.1']);
  assert.is(again.sha256, first.sha256);
  assert.is(statSync(join(dir, 'agent.key')).mode & 0o777, 0o600);
  assert.is(certificateSHA256(again.cert), first.sha256);

  const server = tls.createServer({ key: first.key, cert: first.cert, minVersion: 'TLSv1.2' }, (s) => s.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const seen = await new Promise<Buffer>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().raw);
        socket.destroy();
      });
      socket.on('error', reject);
    });
    assert.is(certificateSHA256(new X509Certificate(seen).toString()), first.sha256);
  } finally {
    server.close();
  }
});

test.run();
