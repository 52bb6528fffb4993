// The node agent on the real local cluster launches a debug container for a
// session: what the container sees of its target pod, the channel protocol
// to a client independent of the CLI (raw `ws`, and @kubernetes/client-node's
// WebSocketHandler), and a command held until its first client.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
// Not re-exported by the package index in 2.x; the class kubectl-style exec and attach use.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import { Channel, encode, encodeClose, encodeResize, exitCodeOf } from '../attach/channel-protocol.ts';
import { AgentStack, agentGet, attached, docker, ready, run, seqText, sha256 } from './agent-kit.ts';
import { kubectlOk, logged } from './kubectl.ts';

let ctx: AgentStack;

test.before(logged('agent-launch setup', async () => {
  ctx = await AgentStack.start();
}));

test.after(async () => {
  await ctx?.stop();
});

// ---- what the debug container sees -------------------------------------------------

test("the debug container sees the target's processes and its loopback listener", async () => {
  const { stdout, code } = await ctx.runInDebugContainer('sees', ['sh', '-c', 'ps -e -o args; ss -ltn; curl -s -o /dev/null -w "%{http_code}\\n" http://127.0.0.1:8080/hostname']);
  assert.is(code, 0);
  assert.match(stdout, /httpd -f -p 127.0.0.1:8080/);
  assert.match(stdout, /sleep 1000000/);
  assert.match(stdout, /127\.0\.0\.1:8080/);
  assert.match(stdout, /^200$/m);
});

test("the debug container shares the pod's IPC namespace", async () => {
  const { stdout, code } = await ctx.runInDebugContainer('ipc', ['sh', '-c', 'cat /dev/shm/marker; readlink /proc/self/ns/ipc']);
  assert.is(code, 0);
  const [marker, ipcNs] = stdout.trim().split('\n');
  assert.is(marker, 'pod-ipc');
  const targetID = (await kubectlOk(['-n', ctx.ns, 'get', 'pod', 'web', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'])).replace('docker://', '');
  const targetPid = await docker('inspect', '-f', '{{.State.Pid}}', targetID);
  assert.is(ipcNs, (await run('readlink', [`/proc/${targetPid}/ns/ipc`])).stdout.trim());
});

// ---- the channel protocol --------------------------------------------------------

test("a one-shot command's stdout, stderr and exit code reach client-node's WebSocketHandler", async () => {
  const token = await ctx.createSession('oneshot', { command: ['sh', '-c', 'sleep 2; echo to-out; echo to-err >&2; exit 3'] });
  const s = await ctx.waitSession('oneshot', ready, 'Ready');
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
  const ws = await new WebSocketHandler(kc).connect(`/sessions/${ctx.ns}/oneshot/attach`, null, (stream: number, buff: Buffer) => {
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
  const token = await ctx.createSession('cat', { command: ['sh', '-c', 'cat; echo after-eof'], stdin: true });
  const s = await ctx.waitSession('cat', ready, 'Ready');
  const a = await attached(s.status!.runtime!.attachURL!, token);
  a.ws.send(encode(Channel.stdin, 'hello\n'));
  a.ws.send(encodeClose(Channel.stdin));
  assert.is(await a.done, 0);
  assert.is(a.stdout(), 'hello\nafter-eof\n');
});

test('a TTY session echoes, resizes, and reports the exit code', async () => {
  const token = await ctx.createSession('tty', { stdin: true, tty: true, image: 'kubectl-debug.local/busybox:1', command: ['sh'] });
  const s = await ctx.waitSession('tty', ready, 'Ready');
  const a = await attached(s.status!.runtime!.attachURL!, token);
  a.ws.send(encodeResize(123, 45));
  await new Promise((r) => setTimeout(r, 300));
  a.ws.send(encode(Channel.stdin, 'stty size; echo $((6*7)); exit 5\r'));
  assert.is(await a.done, 5);
  assert.match(a.stdout(), /45 123/);
  assert.match(a.stdout(), /\r\n42\r\n/);
  const log = await agentGet(s.status!.runtime!.attachURL!.replace('wss:', 'https:').replace(/attach$/, 'recording'), await ctx.regrant('tty'));
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
  const token = await ctx.createSession('held', { command: ['seq', '1', '100000'] });
  const s = await ctx.waitSession('held', ready, 'Ready');
  assert.is(s.status!.runtime!.startedAt, undefined, 'nothing runs yet');
  assert.is(s.status!.phase, 'Assigned', 'the operator calls it Running only once it runs');
  assert.is(await docker('inspect', '-f', '{{.State.Status}}', s.status!.runtime!.containerID!), 'created');
  const a = await attached(s.status!.runtime!.attachURL!, token);
  assert.is(await a.done, 0);
  const expected = seqText(100000);
  assert.is(a.stdout().length, expected.length, `first line ${JSON.stringify(a.stdout().slice(0, 12))}`);
  assert.is(sha256(a.stdout()), sha256(expected));
  const ended = await ctx.waitSession('held', (x) => x.status?.phase === 'Succeeded', 'Succeeded');
  assert.ok(ended.status!.runtime!.startedAt);
});

test('a held command starts anyway once its grant expired with no client, and its output goes to the kept log', async () => {
  await ctx.createSession('no-client', { command: ['sh', '-c', 'echo ran-with-$((1-1))-clients'] }, 3_000);
  const s = await ctx.waitSession('no-client', (x) => x.status?.runtime?.exitCode !== undefined, 'exit');
  assert.is(s.status!.runtime!.exitCode, 0);
  const log = await agentGet(s.status!.runtime!.attachURL!.replace('wss:', 'https:').replace(/attach$/, 'logs'), await ctx.regrant('no-client'));
  assert.is(log.status, 200);
  assert.is(log.body, 'ran-with-0-clients\n');
});

test.run();
