// The operator against the real API server, kubelet and scheduler: target
// checks, assignment, expiry, deletion, restart and leader election. The
// node's agent is represented by its registration Lease, which is what the
// operator reads; the agent itself is exercised in the agent-*.test.ts files.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as yaml from 'js-yaml';
import type { DebugSession } from '../crds/types.ts';
import { AGENT_ENDPOINT_ANNOTATION, agentLeaseName, leasesPath } from '../kube/agent-lease.ts';
import { isNotFound, type KubeClient } from '../kube/client.ts';
import { getSession } from '../kube/sessions.ts';
import { micro } from '../operator/leader-election.ts';
import { createNamespace, deleteNamespace, kubeClient, kubectlOk, logged, waitFor } from './kubectl.ts';
import { NODE_NAME, startOperator, type Program } from './stack.ts';

interface Ctx { ns: string; kube: KubeClient; operator?: Program; heartbeat?: NodeJS.Timeout }
const op = suite<Ctx>('operator', { ns: '', kube: undefined as unknown as KubeClient });

const FAST = ['--target-wait-seconds', '6', '--agent-wait-seconds', '6', '--agent-lost-seconds', '6', '--finalizer-grace-seconds', '10', '--resync-seconds', '5'];
const BUSYBOX = 'kubectl-debug.local/busybox:1';

function pod(name: string, spec: object): string {
  return yaml.dump({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { terminationGracePeriodSeconds: 1, ...spec } });
}

async function createSession(ctx: Ctx, name: string, spec: object): Promise<void> {
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], yaml.dump({ apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession', metadata: { name }, spec }));
}

function waitSession(ctx: Ctx, name: string, ok: (s: DebugSession) => boolean, what: string, ms = 30_000): Promise<DebugSession> {
  return waitFor(async () => {
    const s = await getSession(ctx.kube, ctx.ns, name);
    return ok(s) ? s : undefined;
  }, ms, `${name}: ${what}`);
}

const finishedWith = (reason: string) => (s: DebugSession) =>
  s.status?.phase === 'Failed' && s.status.conditions?.some((c) => c.type === 'Finished' && c.reason === reason) === true;

async function events(ctx: Ctx, name: string): Promise<{ reason: string; type: string; message: string }[]> {
  const list = await ctx.kube.request('GET', `/api/v1/namespaces/${ctx.ns}/events`, { query: { fieldSelector: `involvedObject.name=${name}` } });
  return list.items;
}

/** Keeps the node agent's Lease fresh, as a live agent does. */
async function heartbeat(ctx: Ctx, durationSeconds = 6): Promise<void> {
  const path = `${leasesPath(ctx.ns)}/${agentLeaseName(NODE_NAME)}`;
  const renew = async () => {
    const spec = { holderIdentity: 'agent-under-test', leaseDurationSeconds: durationSeconds, renewTime: micro(new Date()) };
    try {
      const lease = await ctx.kube.request('GET', path);
      await ctx.kube.request('PUT', path, { body: { ...lease, spec } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await ctx.kube.request('POST', leasesPath(ctx.ns), {
        body: {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
          metadata: { name: agentLeaseName(NODE_NAME), labels: { 'debug.kubectl-debug.dev/node': NODE_NAME }, annotations: { [AGENT_ENDPOINT_ANNOTATION]: 'https://127.0.0.1:10027' } },
          spec,
        },
      });
    }
  };
  await renew();
  ctx.heartbeat = setInterval(() => void renew().catch(() => {}), 1000);
}

op.before(logged('operator setup', async (ctx) => {
  ctx.ns = await createNamespace('e2e-operator');
  ctx.kube = await kubeClient();
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], pod('web', { nodeName: NODE_NAME, containers: [{ name: 'httpd', image: BUSYBOX, command: ['busybox', 'httpd', '-f', '-p', '127.0.0.1:8080'] }, { name: 'sidecar', image: BUSYBOX, command: ['sleep', '3600'] }] }));
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], pod('done', { nodeName: NODE_NAME, restartPolicy: 'Never', containers: [{ name: 'main', image: BUSYBOX, command: ['true'] }] }));
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], pod('crashing', { nodeName: NODE_NAME, containers: [{ name: 'main', image: BUSYBOX, command: ['false'] }] }));
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], pod('unschedulable', { nodeSelector: { 'no-such-label': 'x' }, containers: [{ name: 'main', image: BUSYBOX }] }));
  await kubectlOk(['-n', ctx.ns, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
  await kubectlOk(['-n', ctx.ns, 'wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/done', '--timeout=60s']);
  ctx.operator = startOperator({ namespaces: [ctx.ns], leaseNamespace: ctx.ns }, FAST);
}));

op.after(logged('operator clean-up', async (ctx) => {
  clearInterval(ctx.heartbeat);
  await ctx.operator?.stop();
  await kubectlOk(['-n', ctx.ns, 'delete', 'dbg', '--all', '--wait=false']).catch(() => {});
  // Release finalizers the operator can no longer release, so the namespace can go.
  const list = await ctx.kube.request('GET', `/apis/debug.kubectl-debug.dev/v1alpha1/namespaces/${ctx.ns}/debugsessions`);
  for (const s of list.items) await kubectlOk(['-n', ctx.ns, 'patch', 'dbg', s.metadata.name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']).catch(() => {});
  await deleteNamespace(ctx.ns);
}));

op('no healthy agent on the node: the session waits, then fails as AgentUnavailable', async (ctx) => {
  await createSession(ctx, 'no-agent', { target: { pod: 'web' } });
  await waitSession(ctx, 'no-agent', (s) => s.status?.conditions?.some((c) => c.reason === 'WaitingForAgent') === true, 'WaitingForAgent');
  await waitSession(ctx, 'no-agent', finishedWith('AgentUnavailable'), 'AgentUnavailable');
});

op('a session on a running pod is assigned to the agent of its node', async (ctx) => {
  await heartbeat(ctx);
  await createSession(ctx, 'assigned', { target: { pod: 'web', container: 'sidecar' } });
  const s = await waitSession(ctx, 'assigned', (s) => s.status?.phase === 'Assigned', 'phase Assigned');
  const podUID = (await kubectlOk(['-n', ctx.ns, 'get', 'pod', 'web', '-o', 'jsonpath={.metadata.uid}'])).trim();
  assert.equal(s.status!.target, { pod: 'web', podUID, container: 'sidecar', nodeName: NODE_NAME, hostIP: '127.0.0.1' });
  assert.equal(s.status!.agent, { name: 'agent-under-test', endpoint: 'https://127.0.0.1:10027' });
  assert.is(s.metadata.labels?.['debug.kubectl-debug.dev/node'], NODE_NAME);
  assert.ok(s.metadata.finalizers?.includes('debug.kubectl-debug.dev/cleanup'));
  const cond = s.status!.conditions!.find((c) => c.type === 'Assigned')!;
  assert.is(cond.status, 'True');
  assert.is(cond.observedGeneration, s.metadata.generation);
  await kubectlOk(['-n', ctx.ns, 'wait', '--for=condition=Assigned', 'dbg/assigned', '--timeout=10s']);
  assert.ok((await events(ctx, 'assigned')).some((e) => e.reason === 'AgentAssigned'));
});

const badTargets: [string, object, string, string][] = [
  ['a missing pod', { pod: 'ghost' }, 'PodNotFound', 'pod "ghost" not found'],
  ['a missing container', { pod: 'web', container: 'db' }, 'ContainerNotFound', 'its containers are: httpd, sidecar'],
  ['a finished pod', { pod: 'done' }, 'PodFinished', 'phase Succeeded'],
  ['a container that is not running', { pod: 'crashing' }, 'ContainerNotRunning', 'not running'],
  ['a pod that is never scheduled', { pod: 'unschedulable' }, 'PodNotScheduled', 'not scheduled'],
  ['a selector that matches nothing', { selector: { matchLabels: { app: 'nothing' } } }, 'NoMatchingPod', 'no running pod matches selector app=nothing'],
];

for (const [what, target, reason, message] of badTargets) {
  op(`${what} fails the session as ${reason} with a message and a Warning event`, async (ctx) => {
    const name = `bad-${reason.toLowerCase()}`;
    await createSession(ctx, name, { target });
    const s = await waitSession(ctx, name, finishedWith(reason), reason);
    assert.match(s.status!.message!, message);
    await waitFor(async () => (await events(ctx, name)).some((e) => e.type === 'Warning' && e.reason === reason), 10_000, `Warning event ${reason}`);
  });
}

op('the operator serves /healthz, /readyz and Prometheus metrics on its loopback ports', async (ctx) => {
  const { readFileSync } = await import('node:fs');
  const started = readFileSync(ctx.operator!.logFile, 'utf8').split('\n').filter((l) => l.includes('"Started operator"')).at(-1);
  assert.ok(started, 'the operator logged its ports');
  const { health, metrics } = JSON.parse(started!);
  for (const path of ['/healthz', '/readyz']) assert.is((await fetch(`http://127.0.0.1:${health}${path}`)).status, 200, path);
  const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
  assert.match(text, /kubectl_debug_sessions\{phase="Assigned"\} \d+/);
  assert.match(text, 'kubectl_debug_reconcile_duration_seconds_bucket');
  assert.match(text, 'kubectl_debug_workqueue_depth');
});

op('a session past its deadline ends as DeadlineExceeded', async (ctx) => {
  await createSession(ctx, 'short', { target: { pod: 'web' }, activeDeadlineSeconds: 10 });
  await waitSession(ctx, 'short', (s) => s.status?.phase === 'Assigned', 'assigned');
  const s = await waitSession(ctx, 'short', finishedWith('DeadlineExceeded'), 'DeadlineExceeded', 30_000);
  assert.ok(s.status!.completionTime);
  await kubectlOk(['-n', ctx.ns, 'wait', '--for=condition=Finished', 'dbg/short', '--timeout=5s']);
});

op('an operator killed and restarted resumes without writing again what it had written', async (ctx) => {
  await ctx.operator!.stop('SIGKILL');
  await createSession(ctx, 'while-down', { target: { pod: 'web' } });
  ctx.operator = startOperator({ namespaces: [ctx.ns], leaseNamespace: ctx.ns }, FAST);
  const assigned = await waitSession(ctx, 'while-down', (s) => s.status?.phase === 'Assigned', 'assigned after restart');
  await ctx.operator.stop('SIGKILL');
  ctx.operator = startOperator({ namespaces: [ctx.ns], leaseNamespace: ctx.ns }, FAST);
  await new Promise((r) => setTimeout(r, 7_000)); // past one resync period
  const again = await getSession(ctx.kube, ctx.ns, 'while-down');
  assert.is(again.metadata.resourceVersion, assigned.metadata.resourceVersion, 'the restarted operator wrote to an up-to-date session');
  assert.is((await events(ctx, 'while-down')).filter((e) => e.reason === 'AgentAssigned').length, 1);
});

op('deleting a session whose agent is gone releases the finalizer after the bound, with a Warning event', async (ctx) => {
  await createSession(ctx, 'orphan', { target: { pod: 'web' } });
  await waitSession(ctx, 'orphan', (s) => s.status?.phase === 'Assigned', 'assigned');
  clearInterval(ctx.heartbeat); // the agent dies
  await kubectlOk(['-n', ctx.ns, 'delete', 'dbg', 'orphan', '--wait=false']);
  const started = Date.now();
  await waitFor(async () => {
    try {
      await getSession(ctx.kube, ctx.ns, 'orphan');
      return false;
    } catch (err) {
      return isNotFound(err);
    }
  }, 40_000, 'the session to be gone');
  assert.ok(Date.now() - started >= 4_000, 'finalizer released before the agent could have answered');
  assert.ok((await events(ctx, 'orphan')).some((e) => e.type === 'Warning' && e.reason === 'AgentLost'));
});

op('of two operator replicas exactly one leads, and the other takes over when it dies', async (ctx) => {
  await ctx.operator!.stop();
  await heartbeat(ctx);
  const scope = { namespaces: [ctx.ns], leaseNamespace: ctx.ns };
  const a = startOperator(scope, [...FAST, '--identity', 'replica-a'], 'e2e-operator-a');
  const b = startOperator(scope, [...FAST, '--identity', 'replica-b'], 'e2e-operator-b');
  try {
    const leaderOf = async () => {
      const leases = await ctx.kube.request('GET', leasesPath(ctx.ns));
      return leases.items.find((l: any) => l.metadata.name.startsWith('kubectl-debug-operator-'))?.spec.holderIdentity as string | undefined;
    };
    const first = await waitFor(async () => {
      const holder = await leaderOf();
      return holder === 'replica-a' || holder === 'replica-b' ? holder : undefined;
    }, 40_000, 'one of the two replicas to lead');
    await createSession(ctx, 'two-replicas', { target: { pod: 'web' } });
    await waitSession(ctx, 'two-replicas', (s) => s.status?.phase === 'Assigned', 'assigned');
    assert.is((await events(ctx, 'two-replicas')).filter((e) => e.reason === 'AgentAssigned').length, 1);
    const leader = first === 'replica-a' ? a : b;
    await leader.stop('SIGKILL');
    await waitFor(async () => (await leaderOf()) !== first && (await leaderOf()), 40_000, 'the standby to take over');
    await createSession(ctx, 'after-failover', { target: { pod: 'web' } });
    await waitSession(ctx, 'after-failover', (s) => s.status?.phase === 'Assigned', 'assigned by the new leader', 40_000);
  } finally {
    await a.stop();
    await b.stop();
  }
});

op.run();
