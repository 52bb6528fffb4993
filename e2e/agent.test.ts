// The node agent on the real local cluster: Docker, the API server, the
// operator. Sessions target a busybox pod that serves HTTP on
// 127.0.0.1:8080; clients are independent of the CLI (raw `ws`, and
// @kubernetes/client-node's WebSocketHandler).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { KubeConfig } from '@kubernetes/client-node';
// Not re-exported by the package index in 2.x; the class kubectl-style exec and attach use.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import { newAttachToken } from '../attach/attach-token.ts';
import { Channel, encode, encodeClose, encodeResize, exitCodeOf } from '../attach/channel-protocol.ts';
import { API_VERSION, KIND, type DebugSession, type DebugSessionSpec } from '../crds/types.ts';
import { PATCH } from '../kube/client.ts';
import { sessionPath, sessionsPath } from '../kube/sessions.ts';
import { installBinDir, run as runCommand } from './cli-harness.ts';
import { createNamespace, deleteNamespace, kubeClient, kubectlOk, waitFor } from './kubectl.ts';
import { startAgent, startOperator, type Program } from './stack.ts';

const run = promisify(execFile);
const docker = async (...args: string[]) => (await run('docker', args)).stdout.trim();
const kube = await kubeClient();

let ns = '';
let leaseNs = '';
let port = 0;
const stateDir = mkdtempSync(join(tmpdir(), 'agent-e2e-'));
let operator: Program | undefined;
let agent: Program | undefined;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const launchAgent = () => (agent = startAgent({ namespaces: [ns], leaseNamespace: leaseNs, port, stateDir }));

// ---- sessions -------------------------------------------------------------

const getSession = (name: string) => kube.request<DebugSession>('GET', sessionPath(ns, name));

/**
 * Creates a session targeting the web pod with a one-time secret (as the CLI
 * does, so its command waits for the first client); returns the secret.
 * `grantLifetimeMs: null` leaves the grant out, as `kubectl apply` does.
 */
async function createSession(name: string, spec: Partial<DebugSessionSpec>, grantLifetimeMs?: number | null): Promise<string> {
  const { token, grant } = newAttachToken(new Date());
  if (grantLifetimeMs) grant.expiresAt = new Date(Date.now() + grantLifetimeMs).toISOString();
  const attach = grantLifetimeMs === null ? {} : { attach: grant };
  const body = { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace: ns }, spec: { target: { pod: 'web' }, ...spec, ...attach } };
  await kube.request('POST', sessionsPath(ns), { body });
  return token;
}

/** A fresh secret for another attach, as a client writes it. */
async function regrant(name: string, lifetimeMs?: number): Promise<string> {
  const { token, grant } = newAttachToken(new Date());
  if (lifetimeMs !== undefined) grant.expiresAt = new Date(Date.now() + lifetimeMs).toISOString();
  await kube.request('PATCH', sessionPath(ns, name), { contentType: PATCH.merge, body: { spec: { attach: grant } } });
  return token;
}

const ready = (s: DebugSession) => s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && s.status.runtime?.attachURL;

async function waitSession(name: string, check: (s: DebugSession) => unknown, what: string, timeoutMs = 30_000): Promise<DebugSession> {
  return waitFor(async () => {
    const s = await getSession(name);
    return check(s) ? s : undefined;
  }, timeoutMs, `${what} of session ${name}`);
}

const containerGone = async (uid: string) =>
  (await docker('ps', '-a', '--filter', `name=kubectl-debug-${uid}`, '--format', '{{.ID}}')) === '';

// ---- an independent attach client (raw ws) -----------------------------------

interface Attached {
  ws: WebSocket;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code from channel 3 (undefined if none) once the agent closes. */
  done: Promise<number | undefined>;
}

type Refused = { refused: number; body: string };

function attachRaw(url: string, token: string | undefined, opts: { protocols?: string[] } = {}): Promise<Attached | Refused> {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const ws = new WebSocket(url, opts.protocols ?? ['v5.channel.k8s.io', 'v4.channel.k8s.io'], { headers, rejectUnauthorized: false });
  let stdout = '';
  let stderr = '';
  let status: any;
  ws.on('message', (data: Buffer) => {
    if (data[0] === Channel.stdout) stdout += data.subarray(1).toString();
    else if (data[0] === Channel.stderr) stderr += data.subarray(1).toString();
    else if (data[0] === Channel.status) status = JSON.parse(data.subarray(1).toString());
  });
  const done = new Promise<number | undefined>((r) => ws.on('close', () => r(status ? exitCodeOf(status) : undefined)));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ refused: res.statusCode ?? 0, body }));
    });
    ws.once('open', () => resolve({ ws, stdout: () => stdout, stderr: () => stderr, done }));
    ws.once('error', reject);
  });
}

async function attached(url: string, token: string): Promise<Attached> {
  const a = await attachRaw(url, token);
  if ('refused' in a) throw new Error(`attach refused: HTTP ${a.refused} ${a.body}`);
  return a;
}

async function refusal(url: string, token: string | undefined): Promise<Refused> {
  const a = await attachRaw(url, token);
  if (!('refused' in a)) {
    a.ws.terminate();
    throw new Error('attach was accepted but should have been refused');
  }
  return a;
}

/**
 * Runs a one-shot command in an unattended debug container (it starts at
 * once) and attaches after its exit: the output nobody saw yet and the exit code.
 */
async function runInDebugContainer(name: string, command: string[], image?: string) {
  await createSession(name, { command, ...(image ? { image } : {}) }, null);
  const s = await waitSession(name, (x) => x.status?.runtime?.exitCode !== undefined && x.status.runtime.attachURL, 'exit');
  const a = await attached(s.status!.runtime!.attachURL!, await regrant(name));
  const code = await a.done;
  return { stdout: a.stdout(), stderr: a.stderr(), code, session: s };
}

function agentGet(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Waits until a (re)started agent answers on its port. */
const agentListening = () =>
  waitFor(async () => (await agentGet(`https://127.0.0.1:${port}/healthz`, '').catch(() => undefined))?.status === 200, 30_000, 'the agent to listen');

/** `seq 1 n` as it prints it. */
const seqText = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// ---- the stack -------------------------------------------------------------------

test.before(async () => {
  ns = await createNamespace('agent');
  leaseNs = await createNamespace('agent-lease');
  port = await freePort();
  operator = startOperator({ namespaces: [ns], leaseNamespace: leaseNs });
  launchAgent();
  // The target: an HTTP server on the pod's loopback, and a file in the pod's shared memory.
  await kubectlOk(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: ns },
    spec: {
      nodeName: '127.0.0.1', terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'app', image: 'kubectl-debug.local/busybox:1', imagePullPolicy: 'Never',
        command: ['sh', '-c', 'echo pod-ipc > /dev/shm/marker; httpd -f -p 127.0.0.1:8080 -h /etc & exec sleep 1000000'],
      }],
    },
  }));
  await kubectlOk(['-n', ns, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=90s']);
});

test.after(async () => {
  // Sessions first, while the agent and operator still run to clean up after them.
  await kubectlOk(['-n', ns, 'delete', 'debugsessions', '--all', '--wait=false']).catch(() => {});
  await waitFor(async () => (await kubectlOk(['-n', ns, 'get', 'debugsessions', '-o', 'name'])).trim() === '', 60_000, 'sessions to go')
    .catch((err) => console.error(err.message));
  await agent?.stop();
  await operator?.stop();
  await kubectlOk(['-n', ns, 'delete', 'pod', 'web', '--wait=false']).catch(() => {});
  await deleteNamespace(ns);
  await deleteNamespace(leaseNs);
  kube.close();
});

// ---- what the debug container sees -------------------------------------------------

test("the debug container sees the target's processes and its loopback listener", async () => {
  const { stdout, code } = await runInDebugContainer('sees', ['sh', '-c', 'ps -e -o args; ss -ltn; curl -s -o /dev/null -w "%{http_code}\\n" http://127.0.0.1:8080/hostname']);
  assert.is(code, 0);
  assert.match(stdout, /httpd -f -p 127.0.0.1:8080/);
  assert.match(stdout, /sleep 1000000/);
  assert.match(stdout, /127\.0\.0\.1:8080/);
  assert.match(stdout, /^200$/m);
});

test("the debug container shares the pod's IPC namespace", async () => {
  const { stdout, code } = await runInDebugContainer('ipc', ['sh', '-c', 'cat /dev/shm/marker; readlink /proc/self/ns/ipc']);
  assert.is(code, 0);
  const [marker, ipcNs] = stdout.trim().split('\n');
  assert.is(marker, 'pod-ipc');
  const targetID = (await kubectlOk(['-n', ns, 'get', 'pod', 'web', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'])).replace('docker://', '');
  const targetPid = await docker('inspect', '-f', '{{.State.Pid}}', targetID);
  assert.is(ipcNs, (await run('readlink', [`/proc/${targetPid}/ns/ipc`])).stdout.trim());
});

// ---- the channel protocol --------------------------------------------------------

test("a one-shot command's stdout, stderr and exit code reach client-node's WebSocketHandler", async () => {
  const token = await createSession('oneshot', { command: ['sh', '-c', 'sleep 2; echo to-out; echo to-err >&2; exit 3'] });
  const s = await waitSession('oneshot', ready, 'Ready');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'agent', server: s.status!.runtime!.attachURL!.replace(/^wss:\/\/([^/]+).*$/, 'https://$1'), skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'agent', user: 'u' }],
    currentContext: 'c',
  });
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  let status: any;
  const ws = await new WebSocketHandler(kc).connect(`/sessions/${ns}/oneshot/attach`, null, (stream: number, buff: Buffer) => {
    const result = WebSocketHandler.handleStandardStreams(stream, buff, out, err);
    if (result) status = result;
    return true;
  });
  await new Promise((r) => ws.addEventListener('close', r));
  assert.is(stdout, 'to-out\n');
  assert.is(stderr, 'to-err\n');
  assert.is(exitCodeOf(status), 3);
});

test('stdin without a TTY reaches the command and a v5 close gives it end-of-file', async () => {
  const token = await createSession('cat', { command: ['sh', '-c', 'cat; echo after-eof'], stdin: true });
  const s = await waitSession('cat', ready, 'Ready');
  const a = await attached(s.status!.runtime!.attachURL!, token);
  a.ws.send(encode(Channel.stdin, 'hello\n'));
  a.ws.send(encodeClose(Channel.stdin));
  assert.is(await a.done, 0);
  assert.is(a.stdout(), 'hello\nafter-eof\n');
});

test('a TTY session echoes, resizes, and reports the exit code', async () => {
  const token = await createSession('tty', { stdin: true, tty: true, image: 'kubectl-debug.local/busybox:1', command: ['sh'] });
  const s = await waitSession('tty', ready, 'Ready');
  const a = await attached(s.status!.runtime!.attachURL!, token);
  a.ws.send(encodeResize(123, 45));
  await new Promise((r) => setTimeout(r, 300));
  a.ws.send(encode(Channel.stdin, 'stty size; echo $((6*7)); exit 5\r'));
  assert.is(await a.done, 5);
  assert.match(a.stdout(), /45 123/);
  assert.match(a.stdout(), /\r\n42\r\n/);
  const log = await agentGet(s.status!.runtime!.attachURL!.replace('wss:', 'https:').replace(/attach$/, 'recording'), await regrant('tty'));
  assert.is(log.status, 200);
  const [header, ...events] = log.body.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(header.version, 2);
  // The shell starts when the client attaches, so its resize usually comes before any output and sizes the header.
  const sizedHeader = header.width === 123 && header.height === 45;
  assert.ok(sizedHeader || events.some((e) => e[1] === 'r' && e[2] === '123x45'), 'the resize is recorded');
  assert.ok(events.some((e) => e[1] === 'o' && String(e[2]).includes('42')), 'the output is recorded');
});

// ---- the first client sees the output from its first byte ---------------------------

test('a session created with a grant holds its command until the first client, who gets every byte from the first', async () => {
  const token = await createSession('held', { command: ['seq', '1', '100000'] });
  const s = await waitSession('held', ready, 'Ready');
  assert.is(s.status!.runtime!.startedAt, undefined, 'nothing runs yet');
  assert.is(s.status!.phase, 'Assigned', 'the operator calls it Running only once it runs');
  assert.is(await docker('inspect', '-f', '{{.State.Status}}', s.status!.runtime!.containerID!), 'created');
  const a = await attached(s.status!.runtime!.attachURL!, token);
  assert.is(await a.done, 0);
  const expected = seqText(100000);
  assert.is(a.stdout().length, expected.length, `first line ${JSON.stringify(a.stdout().slice(0, 12))}`);
  assert.is(sha256(a.stdout()), sha256(expected));
  const ended = await waitSession('held', (x) => x.status?.phase === 'Succeeded', 'Succeeded');
  assert.ok(ended.status!.runtime!.startedAt);
});

test('a held command starts anyway once its grant expired with no client, and its output goes to the kept log', async () => {
  await createSession('no-client', { command: ['sh', '-c', 'echo ran-with-$((1-1))-clients'] }, 3_000);
  const s = await waitSession('no-client', (x) => x.status?.runtime?.exitCode !== undefined, 'exit');
  assert.is(s.status!.runtime!.exitCode, 0);
  const log = await agentGet(s.status!.runtime!.attachURL!.replace('wss:', 'https:').replace(/attach$/, 'logs'), await regrant('no-client'));
  assert.is(log.status, 200);
  assert.is(log.body, 'ran-with-0-clients\n');
});

// ---- refusals --------------------------------------------------------------------

test('attach is refused without a secret, with a wrong one, with another session\'s, expired, replayed, and over plain HTTP', async () => {
  const tokenA = await createSession('guarded', { stdin: true, tty: true, image: 'kubectl-debug.local/busybox:1', command: ['sh'] });
  const tokenB = await createSession('other', { command: ['sleep', '60'], image: 'kubectl-debug.local/busybox:1' });
  const s = await waitSession('guarded', ready, 'Ready');
  const url = s.status!.runtime!.attachURL!;

  assert.is((await refusal(url, undefined)).refused, 401);
  assert.is((await refusal(url, 'not-the-secret')).refused, 403);
  assert.is((await refusal(url, tokenB)).refused, 403);

  const first = await attached(url, tokenA);
  first.ws.close();
  const replay = await refusal(url, tokenA);
  assert.is(replay.refused, 403);
  assert.match(replay.body, /already used/);

  const shortLived = await regrant('guarded', 1_000);
  await new Promise((r) => setTimeout(r, 1_500));
  const expired = await refusal(url, shortLived);
  assert.is(expired.refused, 403);
  assert.match(expired.body, /expired/);

  const plain = await new Promise<string>((resolve) => {
    http.get(url.replace('wss:', 'http:'), (res) => resolve(`answered HTTP ${res.statusCode}`)).on('error', (err) => resolve(`refused: ${err.message}`));
  });
  assert.match(plain, /^refused/);

  const logs = await run('cat', [agent!.logFile]);
  assert.match(logs.stdout, /Refused session request/);
  assert.not.ok(logs.stdout.includes(tokenA) || logs.stdout.includes(tokenB) || logs.stdout.includes(shortLived), 'no secret is logged');
});

test('the certificate the agent serves is the one its status pins', async () => {
  const s = await waitSession('guarded', ready, 'Ready');
  const served = await new Promise<Buffer>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().raw);
      socket.end();
    });
    socket.on('error', reject);
  });
  assert.is(createHash('sha256').update(served).digest('hex'), s.status!.runtime!.certificateSHA256);
});

// ---- the container goes away every way a session ends -------------------------------

test('after the command exits the container is removed and status says so', async () => {
  const { session } = await runInDebugContainer('exit-cleanup', ['true'], 'kubectl-debug.local/busybox:1');
  const s = await waitSession('exit-cleanup', (x) => x.status?.runtime?.containerRemoved, 'containerRemoved');
  assert.is(s.status!.runtime!.exitCode, 0);
  assert.ok(await containerGone(session.metadata.uid!));
});

test('deleting a running session removes its container and lets the session go', async () => {
  await createSession('deleted', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1' });
  const s = await waitSession('deleted', ready, 'Ready');
  assert.not.ok(await containerGone(s.metadata.uid!));
  await kubectlOk(['-n', ns, 'delete', 'debugsession', 'deleted', '--wait=false']);
  await waitFor(async () => containerGone(s.metadata.uid!), 30_000, 'container of the deleted session to go');
  await waitFor(async () => getSession('deleted').then(() => false, () => true), 30_000, 'deleted session to disappear');
});

test('a session the operator ends at its deadline loses its container', async () => {
  await createSession('deadline', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1', activeDeadlineSeconds: 10 });
  const s = await waitSession('deadline', ready, 'Ready');
  const ended = await waitSession('deadline', (x) => x.status?.runtime?.containerRemoved, 'containerRemoved', 40_000);
  assert.is(ended.status!.phase, 'Failed');
  // Held for a client that never came: removed unstarted, which is the deadline's doing, not a container failure.
  assert.is(ended.status!.conditions!.find((c) => c.type === 'Ready')?.reason, 'DeadlineExceeded');
  assert.ok(await containerGone(s.metadata.uid!));
});

// ---- restarts --------------------------------------------------------------------

test('a restarted agent adopts running containers, which can be re-attached, and removes orphans', async () => {
  const token = await createSession('adopted', { stdin: true, tty: true, image: 'kubectl-debug.local/busybox:1', command: ['sh'] });
  const s = await waitSession('adopted', ready, 'Ready');
  const before = await attached(s.status!.runtime!.attachURL!, token);
  before.ws.send(encode(Channel.stdin, 'echo before-$((1+1))\r'));
  await waitFor(async () => before.stdout().includes('before-2'), 10_000, 'output before the restart');

  await agent!.stop();
  assert.is(await docker('inspect', '-f', '{{.State.Running}}', `kubectl-debug-${s.metadata.uid}`), 'true');
  const orphan = await docker('create', '--label', `debug.kubectl-debug.dev/session=${ns}.ghost`, '--label', 'debug.kubectl-debug.dev/node=127.0.0.1',
    '--label', 'debug.kubectl-debug.dev/session-uid=ghost-uid', 'kubectl-debug.local/busybox:1', 'sleep', '600');
  launchAgent();

  await waitFor(async () => (await docker('ps', '-a', '-q', '--filter', `id=${orphan}`)) === '', 30_000, 'orphan container to be removed');
  const again = await attached(s.status!.runtime!.attachURL!, await regrant('adopted'));
  again.ws.send(encode(Channel.stdin, 'echo after-$((2+2)); exit 7\r'));
  assert.is(await again.done, 7);
  assert.match(again.stdout(), /after-4/);
  const ended = await waitSession('adopted', (x) => x.status?.runtime?.containerRemoved, 'containerRemoved');
  assert.is(ended.status!.runtime!.exitCode, 7);
  assert.is(ended.status!.runtime!.certificateSHA256, s.status!.runtime!.certificateSHA256, 'the fingerprint survives the restart');
});

test("a command that ended before its client attached, the agent restarted since, shows its whole output through the CLI", async () => {
  // The grant runs out before anyone attaches, so the command runs unattended.
  // With the operator stopped the session stays unfinished, as in the moment
  // before the operator notices an exit, so `attach` goes on to the output.
  const name = 'ended-unseen';
  await createSession(name, { command: ['sh', '-c', 'seq 1 30000; exit 4'] }, 3_000);
  await waitSession(name, ready, 'Ready');
  await operator!.stop();
  try {
    const s = await waitSession(name, (x) => x.status?.runtime?.containerRemoved, 'containerRemoved');
    assert.is(s.status!.runtime!.exitCode, 4);
    assert.is(s.status!.phase, 'Assigned');
    await agent!.stop();
    launchAgent();
    await agentListening();
    const binDir = installBinDir();
    const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, KUBECTL_DEBUG_CONFIG: join(binDir, 'no-config') };
    const r = await runCommand('kubectl-debug', ['attach', name, '-n', ns], { env, input: '' });
    assert.is(r.code, 4, r.stderr);
    assert.not.match(r.stderr, /note:/, 'the whole log, not the tail kept in status');
    const expected = seqText(30000);
    assert.is(r.stdout.length, expected.length, r.stderr);
    assert.is(sha256(r.stdout), sha256(expected));
  } finally {
    operator = startOperator({ namespaces: [ns], leaseNamespace: leaseNs });
  }
});

test('past --max-sessions a new session is refused with NodeAtCapacity', async () => {
  // A node with room for one: clear what earlier tests left running, restart the agent with the cap.
  await kubectlOk(['-n', ns, 'delete', 'debugsessions', '--all', '--wait=false']);
  await waitFor(async () => (await kubectlOk(['-n', ns, 'get', 'debugsessions', '-o', 'name'])).trim() === '', 60_000, 'earlier sessions to go');
  await agent!.stop();
  agent = startAgent({ namespaces: [ns], leaseNamespace: leaseNs, port, stateDir }, ['--max-sessions', '1']);
  await createSession('first', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1' });
  await waitSession('first', ready, 'Ready');
  await createSession('second', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1' });
  const refused = await waitSession('second', (x) => x.status?.conditions?.some((c) => c.type === 'Ready' && c.reason === 'NodeAtCapacity'), 'NodeAtCapacity');
  assert.match(refused.status!.conditions!.find((c) => c.type === 'Ready')!.message, /maximum of 1/);
  assert.not.ok(refused.status!.runtime?.containerID, 'no container was created');
});

test.run();
