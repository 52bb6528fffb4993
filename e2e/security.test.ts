// Who may do what is the API server's decision, through real RBAC and
// impersonation (`kubectl --as`): no rights, the kubectl-debug-viewer role,
// the kubectl-debug-editor role (config/rbac/user-roles.yaml), and the CLI
// run with the credentials of a ServiceAccount that has no rights. Then no
// attach secret this file handed out may appear in any log under
// .cluster/logs/ written while it ran. (Attach refusals themselves are
// tested in agent-refusals.test.ts.)

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readSync, openSync, closeSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as yaml from 'js-yaml';
import WebSocket from 'ws';
import { bearerProtocol, newAttachToken } from '../attach/attach-token.ts';
import { Channel, encode } from '../attach/channel-protocol.ts';
import { API_VERSION, KIND, type DebugSession } from '../crds/types.ts';
import { sessionPath, sessionsPath } from '../kube/sessions.ts';
import { run } from './cli-harness.ts';
import { rawAttach } from './bench/typist.ts';
import { ScopedStack } from './bench/scoped-stack.ts';
import { kubeClient, kubectl, kubectlOk, logged, suffix, waitFor } from './kubectl.ts';
import { REPO_ROOT } from './prepare.ts';
import { logDir } from './cluster/paths.ts';

const kube = await kubeClient();
let stack: ScopedStack;
const id = suffix();
const NOBODY = `nobody-${id}@example.com`;
const VIEWER = `viewer-${id}@example.com`;
const EDITOR = `editor-${id}@example.com`;
/** Every attach secret this file made, in each form it travelled in. */
const secrets: string[] = [];
/** Size of each log when this file started: only what was written after counts. */
const logStart = new Map<string, number>();

const session = (name: string) => yaml.dump({ apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec: { target: { pod: 'target' }, command: ['true'] } });
const as = (user: string, args: string[], input?: string) => kubectl([`--as=${user}`, '-n', stack.ns, ...args], { input });

function refused(r: { code: number; stderr: string }, what: string): void {
  assert.is.not(r.code, 0, `${what} was allowed`);
  assert.match(r.stderr, /Forbidden|forbidden/, `${what}: ${r.stderr}`);
}

function allowed(r: { code: number; stderr: string }, what: string): void {
  assert.is(r.code, 0, `${what} was refused: ${r.stderr}`);
}

test.before(logged('security setup', async () => {
  for (const f of readdirSync(logDir)) logStart.set(f, statSync(join(logDir, f)).size);
  await kubectlOk(['apply', '-f', resolve(REPO_ROOT, 'config/rbac/user-roles.yaml')]);
  stack = await ScopedStack.start({ prefix: 'e2e-security' });
  await stack.createPod('target');
  await kubectlOk(['-n', stack.ns, 'create', 'rolebinding', 'viewer', '--clusterrole=kubectl-debug-viewer', `--user=${VIEWER}`]);
  await kubectlOk(['-n', stack.ns, 'create', 'rolebinding', 'editor', '--clusterrole=kubectl-debug-editor', `--user=${EDITOR}`]);
  // The admin's session that the viewer and editor then try to change.
  await kubectlOk(['-n', stack.ns, 'create', '-f', '-'], session('existing'));
}));

test.after(logged('security clean-up', async () => {
  await stack?.stop();
  kube.close();
}));

test('a user with no RBAC on debugsessions is refused by the API server', async () => {
  refused(await as(NOBODY, ['create', '-f', '-'], session('by-nobody')), 'create');
  refused(await as(NOBODY, ['get', 'debugsessions']), 'list');
  refused(await as(NOBODY, ['get', 'dbg', 'existing']), 'get');
  refused(await as(NOBODY, ['delete', 'dbg', 'existing']), 'delete');
  assert.is((await as(NOBODY, ['auth', 'can-i', 'create', 'debugsessions.debug.kubectl-debug.dev'])).stdout.trim(), 'no');
});

test('kubectl-debug-viewer may list and get sessions, but not create, grant itself attach, write status or delete', async () => {
  allowed(await as(VIEWER, ['get', 'debugsessions']), 'list');
  allowed(await as(VIEWER, ['get', 'dbg', 'existing', '-o', 'yaml']), 'get');
  refused(await as(VIEWER, ['create', '-f', '-'], session('by-viewer')), 'create');
  const { grant } = newAttachToken(new Date());
  refused(await as(VIEWER, ['patch', 'dbg', 'existing', '--type=merge', '-p', JSON.stringify({ spec: { attach: grant } })]), 'patch spec.attach');
  refused(await as(VIEWER, ['patch', 'dbg', 'existing', '--subresource=status', '--type=merge', '-p', '{"status":{"message":"x"}}']), 'patch status');
  refused(await as(VIEWER, ['delete', 'dbg', 'existing']), 'delete');
});

test('kubectl-debug-editor may create, grant attach and delete, but not write status (where clients read the attach URL)', async () => {
  allowed(await as(EDITOR, ['create', '-f', '-'], session('by-editor')), 'create');
  const { grant } = newAttachToken(new Date());
  allowed(await as(EDITOR, ['patch', 'dbg', 'existing', '--type=merge', '-p', JSON.stringify({ spec: { attach: grant } })]), 'patch spec.attach');
  const forged = { status: { runtime: { attachURL: 'wss://127.0.0.1:1/sessions/x/y/attach', certificateSHA256: '0'.repeat(64) } } };
  refused(await as(EDITOR, ['patch', 'dbg', 'existing', '--subresource=status', '--type=merge', '-p', JSON.stringify(forged)]), 'patch status');
  allowed(await as(EDITOR, ['delete', 'dbg', 'by-editor', '--wait=false']), 'delete');
});

test('the CLI with the credentials of a ServiceAccount without RBAC is refused and creates nothing', async () => {
  await kubectlOk(['-n', stack.ns, 'create', 'serviceaccount', 'nobody']);
  const token = (await kubectlOk(['-n', stack.ns, 'create', 'token', 'nobody', '--duration=10m'])).trim();
  const admin = yaml.load((await kubectlOk(['config', 'view', '--raw', '--minify'])).toString()) as any;
  const config = {
    apiVersion: 'v1', kind: 'Config', 'current-context': 'nobody',
    clusters: [{ name: 'local', cluster: admin.clusters[0].cluster }],
    users: [{ name: 'nobody', user: { token } }],
    contexts: [{ name: 'nobody', context: { cluster: 'local', user: 'nobody', namespace: stack.ns } }],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'e2e-security-')), 'kubeconfig');
  writeFileSync(file, yaml.dump(config), { mode: 0o600 });
  const before = (await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(stack.ns))).items.length;
  const r = await run('kubectl-debug', ['target', '--', 'true'], { env: { ...stack.env, KUBECONFIG: file } });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /forbidden/i);
  assert.match(r.stderr, new RegExp(`system:serviceaccount:${stack.ns}:nobody`));
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  assert.is((await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(stack.ns))).items.length, before, 'no session was created');
});

test('the CLI honours impersonation in the kubeconfig: the admin acting as a user without RBAC is refused', async () => {
  const admin = yaml.load((await kubectlOk(['config', 'view', '--raw', '--minify'])).toString()) as any;
  admin.users[0].user.as = 'nobody@example.com';
  admin.contexts[0].context.namespace = stack.ns;
  const file = join(mkdtempSync(join(tmpdir(), 'e2e-security-')), 'kubeconfig');
  writeFileSync(file, yaml.dump(admin), { mode: 0o600 });
  const r = await run('kubectl-debug', ['list'], { env: { ...stack.env, KUBECONFIG: file } });
  assert.is(r.code, 1, `listed with the admin's rights: ${r.stdout}`);
  assert.match(r.stderr, /nobody@example\.com/);
  assert.match(r.stderr, /forbidden/i);
});

// ---- secrets in logs ---------------------------------------------------------------

async function sessionWithSecret(name: string, spec: object): Promise<{ token: string; url: string }> {
  const { token, grant } = newAttachToken(new Date());
  secrets.push(token, bearerProtocol(token));
  await kube.request('POST', sessionsPath(stack.ns), { body: { apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec: { target: { pod: 'target' }, ...spec, attach: grant } } });
  const url = await waitFor(async () => {
    const s = await kube.request<DebugSession>('GET', sessionPath(stack.ns, name));
    return s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? s.status.runtime?.attachURL : undefined;
  }, 60_000, `session ${name} ready`);
  return { token, url };
}

function wsStatus(url: string, opts: WebSocket.ClientOptions & { protocols: string[] }): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols, { ...opts, rejectUnauthorized: false });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', reject);
  });
}

function get(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

function appendedSince(file: string, start: number): string {
  const size = statSync(file).size;
  if (size <= start) return '';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

test('no attach secret appears in any log written during this run', async () => {
  // Each way a secret reaches the agent: header, subprotocol, a replay, a GET; and a grant through kubectl.
  const tty = await sessionWithSecret('secret-tty', { stdin: true, tty: true, command: ['sh'] });
  const shell = await rawAttach(tty.url, tty.token);
  const echoed = shell.expect('secret-run-42');
  shell.send('echo secret-run-$((6*7))\r');
  await echoed;
  await shell.close();
  assert.is(await wsStatus(tty.url, { protocols: ['v5.channel.k8s.io'], headers: { authorization: `Bearer ${tty.token}` } }), 403, 'a replayed secret is refused');

  const sub = await sessionWithSecret('secret-subprotocol', { command: ['sleep', '600'] });
  assert.is(await wsStatus(sub.url, { protocols: ['v5.channel.k8s.io', bearerProtocol(sub.token)] }), 101);

  const fresh = newAttachToken(new Date());
  secrets.push(fresh.token, bearerProtocol(fresh.token));
  await kubectlOk(['-n', stack.ns, 'patch', 'dbg', 'secret-subprotocol', '--type=merge', '-p', JSON.stringify({ spec: { attach: fresh.grant } })]);
  const recording = sub.url.replace(/^wss:/, 'https:').replace(/attach$/, 'recording');
  await waitFor(async () => (await get(recording, fresh.token)) === 200, 10_000, 'recording with the new grant');
  await kubectlOk(['-n', stack.ns, 'delete', 'dbg', 'secret-tty', 'secret-subprotocol', '--wait=true', '--timeout=60s']);

  assert.ok(secrets.length >= 6);
  const leaks: string[] = [];
  for (const f of readdirSync(logDir)) {
    const text = appendedSince(join(logDir, f), logStart.get(f) ?? 0);
    for (const s of secrets) if (text.includes(s)) leaks.push(`${f} contains a secret`);
  }
  assert.equal(leaks, [], leaks.join('; '));
});

test.run();
