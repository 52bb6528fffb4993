// The operator and agent as users run them: images built here, deployed with
// `kubectl apply -k` from config/ (through the local overlay), under their
// own ServiceAccounts and RBAC. Scoped to this file's namespace so other e2e
// files keep their own programs; torn down at the end.

import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as yaml from 'js-yaml';
import type { DebugSession } from '../crds/types.ts';
import { getSession, sessionsPath } from '../kube/sessions.ts';
import { docker, installBinDir, run } from './cli-harness.ts';
import { createNamespace, deleteNamespace, kubeClient, kubectl, kubectlOk, logged, waitFor } from './kubectl.ts';
import { REPO_ROOT } from './prepare.ts';
import { NODE_NAME } from './stack.ts';

const SYSTEM = 'kubectl-debug-system';
interface Ctx { ns: string; env: NodeJS.ProcessEnv }
const cluster = suite<Ctx>('operator and agent deployed from config/', { ns: '', env: {} });

/** An overlay of e2e/overlay for one image tag, watching only the test namespace. */
async function deploy(ns: string, tag: string, agentArgs: string[] = []): Promise<void> {
  execFileSync('bash', [resolve(REPO_ROOT, 'e2e/images/program-images.sh'), tag], { stdio: 'inherit' });
  const dir = resolve(REPO_ROOT, `.cluster/overlays/${ns}-${tag}`);
  mkdirSync(dir, { recursive: true });
  const addArgs = (kind: string, name: string, args: string[]) => ({
    target: { kind, name },
    patch: yaml.dump(args.map((value) => ({ op: 'add', path: '/spec/template/spec/containers/0/args/-', value }))),
  });
  writeFileSync(resolve(dir, 'kustomization.yaml'), yaml.dump({
    apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization',
    resources: ['../../../e2e/overlay'],
    images: [{ name: 'kubectl-debug/operator', newTag: tag }, { name: 'kubectl-debug/agent', newTag: tag }],
    patches: [
      addArgs('Deployment', 'kubectl-debug-operator', [`--namespaces=${ns}`]),
      addArgs('DaemonSet', 'kubectl-debug-agent', [`--namespaces=${ns}`, ...agentArgs]),
    ],
  }));
  await kubectlOk(['apply', '-k', dir]);
  await kubectlOk(['-n', SYSTEM, 'rollout', 'status', 'deployment/kubectl-debug-operator', '--timeout=180s']);
  await kubectlOk(['-n', SYSTEM, 'rollout', 'status', 'daemonset/kubectl-debug-agent', '--timeout=180s']);
}

cluster.before(logged('in-cluster setup', async (ctx) => {
  ctx.ns = await createNamespace('e2e-incluster');
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], yaml.dump({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
    spec: { nodeName: NODE_NAME, terminationGracePeriodSeconds: 1, containers: [{ name: 'httpd', image: 'kubectl-debug.local/busybox:1', command: ['busybox', 'httpd', '-f', '-p', '127.0.0.1:8080'] }] },
  }));
  await kubectlOk(['-n', ctx.ns, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=90s']);
  await deploy(ctx.ns, 'e2e1');
  const binDir = installBinDir();
  ctx.env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, KUBECTL_DEBUG_CONFIG: resolve(binDir, 'none') };
}));

cluster.after(logged('in-cluster clean-up', async (ctx) => {
  await kubectl(['-n', ctx.ns, 'delete', 'dbg', '--all', '--wait=true', '--timeout=60s']);
  await kubectl(['-n', SYSTEM, 'delete', 'deployment/kubectl-debug-operator', 'daemonset/kubectl-debug-agent', '--ignore-not-found', '--wait=true']);
  await deleteNamespace(ctx.ns);
}));

cluster('the operator Deployment runs two replicas with one leader, and the agent DaemonSet is ready', async () => {
  const deploy = JSON.parse(await kubectlOk(['-n', SYSTEM, 'get', 'deployment/kubectl-debug-operator', '-o', 'json']));
  assert.is(deploy.status.readyReplicas, 2);
  const ds = JSON.parse(await kubectlOk(['-n', SYSTEM, 'get', 'daemonset/kubectl-debug-agent', '-o', 'json']));
  assert.is(ds.status.numberReady, ds.status.desiredNumberScheduled);
  const pods = JSON.parse(await kubectlOk(['-n', SYSTEM, 'get', 'pods', '-l', 'app.kubernetes.io/name=kubectl-debug-operator', '-o', 'json'])).items.map((p: any) => p.metadata.name);
  const leases = JSON.parse(await kubectlOk(['-n', SYSTEM, 'get', 'leases', '-o', 'json'])).items;
  const election = await waitFor(async () => leases.find((l: any) => l.metadata.name.startsWith('kubectl-debug-operator-') && pods.some((p: string) => l.spec.holderIdentity?.startsWith(`${p}_`))), 30_000, 'a leader among the replicas');
  assert.ok(election);
});

/** Resource rows of `kubectl auth can-i --list`: "resource verbs", defaults of every authenticated user included. */
async function grants(sa: string, ns: string): Promise<string[]> {
  const out = await kubectlOk(['auth', 'can-i', '--list', `--as=system:serviceaccount:${SYSTEM}:${sa}`, '-n', ns]);
  return out.split('\n').slice(1).filter((l) => /^\S/.test(l)).map((l) => {
    const cols = l.trim().split(/\s{2,}/);
    return `${cols[0]} ${cols.at(-1)}`;
  }).sort();
}

const AUTHENTICATED = [
  'selfsubjectaccessreviews.authorization.k8s.io [create]',
  'selfsubjectreviews.authentication.k8s.io [create]',
  'selfsubjectrulesreviews.authorization.k8s.io [create]',
];
const OPERATOR = [
  ...AUTHENTICATED, 'daemonsets.apps [get]', 'debugsessions.debug.kubectl-debug.dev [get list watch patch]',
  'debugsessions.debug.kubectl-debug.dev/status [patch]', 'deployments.apps [get]', 'events [create]', 'pods [get list watch]', 'statefulsets.apps [get]',
];
const AGENT = [...AUTHENTICATED, 'debugsessions.debug.kubectl-debug.dev [get list watch]', 'debugsessions.debug.kubectl-debug.dev/status [patch]', 'pods [get]'];

cluster('the API server grants the ServiceAccounts exactly the listed rights, and the programs work with them', async (ctx) => {
  assert.equal(await grants('kubectl-debug-operator', ctx.ns), OPERATOR.sort());
  assert.equal(await grants('kubectl-debug-operator', SYSTEM), [...OPERATOR, 'leases.coordination.k8s.io [get list watch create update]'].sort());
  assert.equal(await grants('kubectl-debug-agent', ctx.ns), AGENT.sort());
  assert.equal(await grants('kubectl-debug-agent', SYSTEM), [...AGENT, 'leases.coordination.k8s.io [get create update]'].sort());
});

cluster('a one-shot session through the deployed programs shows the target\'s processes and returns the exit code', async (ctx) => {
  const r = await run('kubectl-debug', ['web', '-n', ctx.ns, '--', 'sh', '-c', 'ps -ef; exit 3'], { env: ctx.env, input: '' });
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stdout, 'httpd');
});

cluster('an agent upgrade keeps live sessions: an attached CLI reconnects, and a client re-attaches through the API server when the node address does not answer', async (ctx) => {
  // Attached during the upgrade: its command waits for a file the test makes once the CLI has reconnected.
  const waiting = spawn('kubectl-debug', ['web', '-n', ctx.ns, '-v', '--', 'sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.2; done; echo survived-$((5*5))'], { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let waitingOut = '';
  let waitingErr = '';
  waiting.stdout.on('data', (d) => (waitingOut += d));
  waiting.stderr.on('data', (d) => (waitingErr += d));
  const waitingExited = new Promise<number | null>((r) => waiting.on('close', r));
  await waitFor(async () => waitingErr.includes('Attached'), 60_000, 'the attached CLI');
  const created = await run('kubectl-debug', ['web', '-n', ctx.ns, '--detach', '--stdin', '--tty', '--', 'sh'], { env: ctx.env, input: '' });
  assert.is(created.code, 0, created.stderr);
  const name = created.stdout.trim().split(/\s+/).at(-1)!.replace(/^debugsession[^/]*\//, '');
  const kube = await kubeClient();
  const before = await waitFor(async () => {
    const s = await getSession(kube, ctx.ns, name);
    return s.status?.runtime?.containerID ? s : undefined;
  }, 60_000, 'the debug container');
  // The new agent advertises an address nothing listens on, as when a node's IP is unreachable from the user.
  await deploy(ctx.ns, 'e2e2', ['--advertise-address=127.0.0.2']);
  await waitFor(async () => (await getSession(kube, ctx.ns, name)).status?.runtime?.attachURL?.includes('127.0.0.2'), 60_000, 'the new agent to adopt the session');
  const state = (await docker(['inspect', '-f', '{{.State.Running}}', before.status!.runtime!.containerID!])).trim();
  assert.is(state, 'true', 'the debug container survived the agent upgrade');
  await waitFor(async () => waitingErr.includes('Reconnected'), 60_000, `the attached CLI to reconnect; its stderr: ${waitingErr}`);
  const waitingSession = (await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(ctx.ns))).items.find((s) => s.spec.args?.some((a) => a.includes('survived')));
  await docker(['exec', waitingSession!.status!.runtime!.containerID!, 'touch', '/tmp/go']);
  assert.is(await waitingExited, 0, waitingErr);
  assert.is(waitingOut, 'survived-25\n');
  const attached = await run('kubectl-debug', ['attach', name, '-n', ctx.ns, '-v'], { env: ctx.env, input: 'echo re-attached-$((6*7))\nexit 0\n' });
  assert.is(attached.code, 0, attached.stderr);
  assert.match(attached.stdout, 're-attached-42');
  assert.match(attached.stderr, /port-forward/i);
});

cluster.run();
