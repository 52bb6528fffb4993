// The client side of attach against a small fake agent on 127.0.0.1: a
// real TLS server with a throw-away self-signed certificate, speaking the
// channel protocol.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { Channel, encode, exitStatus } from './channel-protocol.ts';
import { agentGet, openAttach, pumpAttach, AgentRefusedError } from './client.ts';
import { CertificateMismatchError, certificateSHA256, pinTLS } from './pinned-tls.ts';

function selfSigned(): { key: Buffer; cert: Buffer; sha256: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dbg-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=kubectl-debug-agent', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  return { key: readFileSync(join(dir, 'key.pem')), cert, sha256: certificateSHA256(new X509Certificate(cert).raw) };
}

const identity = selfSigned();
const TOKEN = 'one-time-secret';

interface Seen { authorization?: string; stdin: string; resizes: string[]; closedStdin: boolean; bytesBeforeHttp: number }
const seen: Seen = { stdin: '', resizes: [], closedStdin: false, bytesBeforeHttp: 0 };

const server = https.createServer({ key: identity.key, cert: identity.cert }, (req, res) => {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(403).end('secret does not match');
  res.end('line 1\nline 2\n');
});
const wss = new WebSocketServer({ server, handleProtocols: (offered) => (offered.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
wss.on('connection', (ws, req) => {
  seen.authorization = req.headers.authorization;
  ws.send(encode(Channel.stdout, 'hello\n'));
  ws.send(encode(Channel.stderr, 'oops\n'));
  ws.on('message', (data: Buffer) => {
    if (data[0] === Channel.stdin) {
      seen.stdin += data.subarray(1).toString();
      ws.send(encode(Channel.stdout, data.subarray(1)));
    } else if (data[0] === Channel.resize) {
      seen.resizes.push(data.subarray(1).toString());
    } else if (data[0] === 255 && data[1] === Channel.stdin) {
      seen.closedStdin = true;
      ws.send(encode(Channel.status, JSON.stringify(exitStatus(3))));
      ws.close();
    }
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const url = (path: string) => `wss://127.0.0.1:${port}${path}`;

const connect = () =>
  new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });

const collect = () => {
  let text = '';
  const stream = new Writable({ write(chunk, _e, done) { text += chunk.toString(); done(); } });
  return { stream, text: () => text };
};

test('a certificate with the pinned fingerprint is accepted', async () => {
  const socket = await pinTLS(await connect(), { certificateSHA256: identity.sha256 });
  assert.ok(socket.encrypted);
  socket.destroy();
});

test('a different certificate is refused before a single byte of HTTP is sent', async () => {
  // A bare TLS server that counts what arrives after the handshake.
  const other = selfSigned();
  let received = 0;
  const spy = tls.createServer({ key: other.key, cert: other.cert }, (s) => s.on('data', (d) => (received += d.length)).on('error', () => {}));
  await new Promise<void>((r) => spy.listen(0, '127.0.0.1', r));
  const raw = net.connect((spy.address() as AddressInfo).port, '127.0.0.1');
  await new Promise((r) => raw.once('connect', r));
  try {
    await pinTLS(raw, { certificateSHA256: identity.sha256 });
    assert.unreachable('the wrong certificate was accepted');
  } catch (err) {
    assert.instance(err, CertificateMismatchError);
    assert.match((err as Error).message, /does not match the session/);
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.is(received, 0);
  spy.close();
});

test('attach presents the secret as a bearer token and keeps stdout and stderr apart', async () => {
  const socket = await pinTLS(await connect(), { certificateSHA256: identity.sha256 });
  const ws = await openAttach(socket, url('/sessions/ns/s/attach'), TOKEN);
  assert.is(ws.protocol, 'v5.channel.k8s.io');
  const stdin = new PassThrough();
  const out = collect();
  const err = collect();
  const done = pumpAttach(ws, { stdin, stdout: out.stream, stderr: err.stream, size: () => ({ width: 120, height: 40 }) });
  stdin.end('typed\n');
  const { status } = await done;
  assert.is(seen.authorization, `Bearer ${TOKEN}`);
  assert.is(out.text(), 'hello\ntyped\n');
  assert.is(err.text(), 'oops\n');
  assert.is(seen.stdin, 'typed\n');
  assert.ok(seen.closedStdin, 'end of stdin is sent as the v5 close signal');
  assert.equal(seen.resizes, ['{"Width":120,"Height":40}']);
  assert.equal(status, exitStatus(3));
});

test('a resize after the start is sent as a resize frame', async () => {
  seen.resizes = [];
  const socket = await pinTLS(await connect(), { certificateSHA256: identity.sha256 });
  const ws = await openAttach(socket, url('/sessions/ns/s/attach'), TOKEN);
  let size = { width: 80, height: 24 };
  let fire = () => {};
  const stdin = new PassThrough();
  const done = pumpAttach(ws, {
    stdin, stdout: collect().stream, stderr: collect().stream,
    size: () => size,
    onResize: (listener) => ((fire = listener), () => {}),
  });
  size = { width: 100, height: 30 };
  fire();
  await new Promise((r) => setTimeout(r, 50));
  stdin.end();
  await done;
  assert.equal(seen.resizes, ['{"Width":80,"Height":24}', '{"Width":100,"Height":30}']);
});

test('GET over the pinned socket returns the body; a wrong secret is a clear refusal', async () => {
  const res = await agentGet(await pinTLS(await connect(), { certificateSHA256: identity.sha256 }), `https://127.0.0.1:${port}/sessions/ns/s/logs`, TOKEN);
  let body = '';
  for await (const c of res) body += c;
  assert.is(body, 'line 1\nline 2\n');
  try {
    await agentGet(await pinTLS(await connect(), { certificateSHA256: identity.sha256 }), `https://127.0.0.1:${port}/sessions/ns/s/logs`, 'wrong');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, AgentRefusedError);
    assert.match((err as Error).message, /HTTP 403: secret does not match/);
    assert.not.match((err as Error).message, /wrong/);
  }
});

test.after(() => {
  wss.close();
  server.close();
});

test.run();
