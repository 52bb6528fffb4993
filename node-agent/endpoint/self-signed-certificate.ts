// The agent's self-signed certificate, written as DER by hand. Node can read
// X.509 but not make it; what the agent needs is one fixed shape (an ECDSA
// P-256 key, a common name, subject alternative names, not a CA), and a few
// lines of DER keep an X.509 library, its ASN.1 schemas and
// reflect-metadata (~0.8 MB of code, ~2 MB of resident memory) out of the
// agent, which runs on every node. RFC 5280 section 4.1 is the layout.

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export interface SelfSigned {
  /** PKCS#8 PEM. */
  key: string;
  /** PEM. */
  cert: string;
}

export interface SubjectAltName {
  type: 'ip' | 'dns';
  value: string;
}

export function createSelfSigned(commonName: string, altNames: SubjectAltName[], notBefore: Date, notAfter: Date): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Positive (top bit clear) and minimal (first byte not zero), as RFC 5280 asks of a serial.
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const name = seq(set(seq(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // v3, for extensions
    integer(serial),
    seq(oid(OID.ecdsaWithSHA256)),
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(
      // Critical, cA absent (false): this certificate signs nothing.
      seq(oid(OID.basicConstraints), tlv(0x01, Buffer.from([0xff])), octets(seq())),
      seq(oid(OID.subjectAltName), octets(seq(...altNames.map(generalName)))),
    )),
  );
  // Node signs ECDSA as a DER Ecdsa-Sig-Value: the form X.509 carries.
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, seq(oid(OID.ecdsaWithSHA256)), tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, cert: pem('CERTIFICATE', der) };
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
};

function tlv(tag: number, value: Buffer): Buffer {
  const n = value.length;
  if (n > 0xffff) throw new Error('DER value too long');
  // Short form below 128; else 0x80 + the count of big-endian length bytes.
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), value]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (value: Buffer) => tlv(0x04, value);
/** A non-negative INTEGER from its big-endian bytes (a 0 is put in front when the top bit is set). */
const integer = (bytes: Buffer) => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const digits = date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** dNSName is [2] IA5String, iPAddress is [7] OCTET STRING (4 or 16 bytes). */
function generalName(name: SubjectAltName): Buffer {
  return name.type === 'dns' ? tlv(0x82, Buffer.from(name.value, 'ascii')) : tlv(0x87, ipBytes(name.value));
}

export function ipBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  let text = address.replace(/%.*$/, ''); // a zone (fe80::1%eth0) is not part of the address
  // A trailing dotted IPv4 (::ffff:10.0.0.1) is the last two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}
