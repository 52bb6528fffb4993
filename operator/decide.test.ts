import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DebugSession, DebugSessionSpec, DebugSessionStatus } from '../crds/types.ts';
import type { Lease, Pod } from '../kube/objects.ts';
import { decide, decideDeletion, DEFAULT_LIMITS, mayResolveTarget, type Observed } from './decide.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

function session(spec: Partial<DebugSessionSpec> = {}, status?: DebugSessionStatus, meta: object = {}): DebugSession {
  return {
    apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession',
    metadata: { name: 's', namespace: 'ns', generation: 1, creationTimestamp: at(0).toISOString(), ...meta },
    spec: { target: { pod: 'web' }, activeDeadlineSeconds: 3600, idleTimeoutSeconds: 60, ...spec },
    status,
  };
}

function pod(name = 'web', over: Partial<{ phase: string; nodeName: string; runtime: string; running: boolean; labels: Record<string, string>; start: string; uid: string }> = {}): Pod {
  const o = { phase: 'Running', nodeName: 'node-a', runtime: 'docker', running: true, start: at(-100).toISOString(), uid: `uid-${name}`, ...over };
  return {
    metadata: { name, namespace: 'ns', uid: o.uid, labels: o.labels },
    spec: { nodeName: o.nodeName || undefined, containers: [{ name: 'app' }, { name: 'sidecar' }] },
    status: {
      phase: o.phase as any, hostIP: '10.0.0.1', startTime: o.start,
      containerStatuses: [{ name: 'app', containerID: `${o.runtime}://abc`, state: o.running ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } } }],
    },
  };
}

function lease(renewedAtSecond: number): Lease {
  return {
    metadata: { name: 'kubectl-debug-agent.node-a', annotations: { 'debug.kubectl-debug.dev/endpoint': 'https://10.0.0.1:10027' } },
    spec: { holderIdentity: 'agent-a', leaseDurationSeconds: 30, renewTime: at(renewedAtSecond).toISOString() },
  };
}

function observe(s: DebugSession, nowSecond: number, over: Partial<Observed> = {}): Observed {
  return { session: s, now: at(nowSecond), pods: [pod()], agentLease: () => lease(nowSecond), limits: DEFAULT_LIMITS, ...over };
}

const reasonOf = (d: ReturnType<typeof decide>, type: string) => d.status.conditions?.find((c) => c.type === type)?.reason;

test('a session on a running docker pod with a live agent is assigned to that node', () => {
  const d = decide(observe(session(), 1));
  assert.is(d.status.phase, 'Assigned');
  assert.equal(d.status.target, { pod: 'web', podUID: 'uid-web', container: 'app', nodeName: 'node-a', hostIP: '10.0.0.1' });
  assert.equal(d.status.agent, { name: 'agent-a', endpoint: 'https://10.0.0.1:10027' });
  assert.is(d.nodeLabel, 'node-a');
  assert.is(reasonOf(d, 'Assigned'), 'AgentAssigned');
});

test('a missing pod fails the session with PodNotFound', () => {
  const d = decide(observe(session({ target: { pod: 'nope' } }), 1));
  assert.is(d.status.phase, 'Failed');
  assert.is(reasonOf(d, 'Finished'), 'PodNotFound');
});

test('a container that does not exist fails the session and lists the containers that do', () => {
  const d = decide(observe(session({ target: { pod: 'web', container: 'db' } }), 1));
  assert.is(reasonOf(d, 'Finished'), 'ContainerNotFound');
  assert.match(d.status.message!, 'app, sidecar');
});

test('a finished pod fails the session with PodFinished', () => {
  const d = decide(observe(session(), 1, { pods: [pod('web', { phase: 'Succeeded' })] }));
  assert.is(reasonOf(d, 'Finished'), 'PodFinished');
});

test('a container that is not running fails the session and says its state', () => {
  const d = decide(observe(session(), 1, { pods: [pod('web', { running: false })] }));
  assert.is(reasonOf(d, 'Finished'), 'ContainerNotRunning');
  assert.match(d.status.message!, 'CrashLoopBackOff');
});

test('a container on another runtime fails the session and names the runtime', () => {
  const d = decide(observe(session(), 1, { pods: [pod('web', { runtime: 'containerd' })] }));
  assert.is(reasonOf(d, 'Finished'), 'UnsupportedRuntime');
  assert.match(d.status.message!, 'containerd');
});

test('an unscheduled pod makes the session wait, then fail after the bound', () => {
  const unscheduled = { pods: [pod('web', { phase: 'Pending', nodeName: '' })] };
  const waiting = decide(observe(session(), 10, unscheduled));
  assert.is(waiting.status.phase, 'Pending');
  assert.is(reasonOf(waiting, 'Assigned'), 'PodNotScheduled');
  assert.ok(waiting.requeueAfterMs! <= 5_000);
  const failed = decide(observe(session(), 121, unscheduled));
  assert.is(failed.status.phase, 'Failed');
  assert.is(reasonOf(failed, 'Finished'), 'PodNotScheduled');
});

test('no healthy agent on the node makes the session wait, then fail as AgentUnavailable', () => {
  const stale = { agentLease: () => lease(-100) };
  assert.is(reasonOf(decide(observe(session(), 5, stale)), 'Assigned'), 'WaitingForAgent');
  const failed = decide(observe(session(), 61, stale));
  assert.is(reasonOf(failed, 'Finished'), 'AgentUnavailable');
});

test('a selector target picks the oldest running matching pod, ties broken by name', () => {
  const pods = [
    pod('b', { labels: { app: 'pay' }, start: at(-50).toISOString() }),
    pod('a', { labels: { app: 'pay' }, start: at(-50).toISOString() }),
    pod('c', { labels: { app: 'pay' }, start: at(-10).toISOString() }),
    pod('old-other', { labels: { app: 'web' }, start: at(-999).toISOString() }),
  ];
  const d = decide(observe(session({ target: { selector: { matchLabels: { app: 'pay' } } } }), 1, { pods }));
  assert.is(d.status.target?.pod, 'a');
});

test('a selector that matches nothing says so and waits, then fails as NoMatchingPod', () => {
  const s = session({ target: { selector: { matchLabels: { app: 'none' } } } });
  const waiting = decide(observe(s, 1));
  assert.is(reasonOf(waiting, 'Assigned'), 'NoMatchingPod');
  assert.match(waiting.status.message!, 'app=none');
  assert.is(reasonOf(decide(observe(s, 200)), 'Finished'), 'NoMatchingPod');
});

test('a workload target uses the workload selector, and a missing workload waits', () => {
  const s = session({ target: { workload: { kind: 'Deployment', name: 'pay' } } });
  const pods = [pod('pay-1', { labels: { app: 'pay' } })];
  assert.is(decide(observe(s, 1, { pods, workloadSelector: { matchLabels: { app: 'pay' } } })).status.target?.pod, 'pay-1');
  assert.match(decide(observe(s, 1, { pods, workloadSelector: null })).status.message!, 'Deployment "pay" not found');
});

const assigned = (extra: DebugSessionStatus = {}, spec: Partial<DebugSessionSpec> = {}) =>
  session(spec, { ...decide(observe(session(spec), 1)).status, ...extra });

test('a session whose agent reports a running container becomes Running', () => {
  const s = assigned({ runtime: { containerID: 'c', startedAt: at(2).toISOString() }, conditions: [{ type: 'Ready', status: 'True', reason: 'ContainerRunning', message: '', lastTransitionTime: at(2).toISOString() }] });
  assert.is(decide(observe(s, 3)).status.phase, 'Running');
});

test('an exit code of zero ends the session as Succeeded, any other as Failed', () => {
  assert.is(decide(observe(assigned({ runtime: { exitCode: 0 } }), 5)).status.phase, 'Succeeded');
  const failed = decide(observe(assigned({ runtime: { exitCode: 3 } }), 5));
  assert.is(failed.status.phase, 'Failed');
  assert.is(reasonOf(failed, 'Finished'), 'NonZeroExitCode');
});

test('the deadline ends the session whatever it is doing', () => {
  const d = decide(observe(assigned({}, { activeDeadlineSeconds: 60 }), 60));
  assert.is(reasonOf(d, 'Finished'), 'DeadlineExceeded');
});

test('before the deadline the session asks to be looked at again no later than the deadline', () => {
  const d = decide(observe(assigned({}, { activeDeadlineSeconds: 60 }), 10));
  assert.ok(d.requeueAfterMs! <= 50_000);
});

const runningInteractive = (runtime: object) => assigned({
  runtime: { containerID: 'c', startedAt: at(2).toISOString(), attachedClients: 0, ...runtime },
  conditions: [...(decide(observe(session({ stdin: true }), 1)).status.conditions ?? []), { type: 'Ready', status: 'True', reason: 'ContainerRunning', message: '', lastTransitionTime: at(2).toISOString() }],
}, { stdin: true, attach: { tokenSHA256: 'a'.repeat(64), expiresAt: at(300).toISOString() } });

test('an interactive session with no client for the idle timeout ends as IdleTimeout', () => {
  const s = runningInteractive({ lastActivityAt: at(10).toISOString() });
  const before = decide(observe(s, 69));
  assert.is(before.status.phase, 'Running');
  assert.is(before.requeueAfterMs, 1000);
  assert.is(reasonOf(decide(observe(s, 70)), 'Finished'), 'IdleTimeout');
});

test('a shell declared without an attach grant waits for its first client until the deadline', () => {
  const s = runningInteractive({});
  delete (s.spec as any).attach;
  const d = decide(observe(s, 3000));
  assert.is(d.status.phase, 'Running');
  assert.ok(d.requeueAfterMs! <= 600_000);
});

test('an attached client keeps an interactive session from idling out', () => {
  const s = runningInteractive({ attachedClients: 1, lastActivityAt: at(3).toISOString() });
  assert.is(decide(observe(s, 500)).status.phase, 'Running');
});

test('an agent that stops renewing its lease is noticed, and after the bound the session fails as AgentLost', () => {
  const s = runningInteractive({ attachedClients: 1 });
  const lost = { agentLease: () => lease(0) }; // expired at 30 s
  const noticed = decide(observe(s, 40, lost));
  assert.match(noticed.status.message!, 'not renewing');
  assert.is(noticed.status.phase, 'Assigned');
  assert.is(reasonOf(decide(observe(s, 91, lost)), 'Finished'), 'AgentLost');
});

test('a target pod deleted while running ends the session as TargetGone', () => {
  const s = runningInteractive({ attachedClients: 1 });
  assert.is(reasonOf(decide(observe(s, 5, { pods: [] })), 'Finished'), 'TargetGone');
});

test('a selector target whose pod disappears before start is re-resolved to another pod', () => {
  const sel = { target: { selector: { matchLabels: { app: 'pay' } } } };
  const first = decide(observe(session(sel), 1, { pods: [pod('a', { labels: { app: 'pay' } })] }));
  const s = session(sel, first.status);
  const again = decide(observe(s, 2, { pods: [pod('b', { labels: { app: 'pay' } })] }));
  assert.is(again.status.target?.pod, 'b');
  assert.is(again.status.phase, 'Assigned');
});

test('a workload target is re-resolved the same way, so its selector is needed until the container exists', () => {
  const wl = { target: { workload: { kind: 'Deployment' as const, name: 'pay' } } };
  const workloadSelector = { matchLabels: { app: 'pay' } };
  const first = decide(observe(session(wl), 1, { pods: [pod('a', { labels: { app: 'pay' } })], workloadSelector }));
  const s = session(wl, first.status);
  assert.ok(mayResolveTarget(s), 'assigned, not started: the pod may still be replaced');
  const again = decide(observe(s, 2, { pods: [pod('b', { labels: { app: 'pay' } })], workloadSelector }));
  assert.is(again.status.target?.pod, 'b');
  assert.is(again.status.phase, 'Assigned');
  assert.not.ok(mayResolveTarget(session(wl, { ...first.status, runtime: { containerID: 'c' } })));
  assert.not.ok(mayResolveTarget(session(wl, { phase: 'Failed' })));
  assert.not.ok(mayResolveTarget(session({ target: { pod: 'web' } })));
});

test('an agent that reports an image pull failure ends the session with its reason and message', () => {
  const s = assigned({ conditions: [{ type: 'Ready', status: 'False', reason: 'ImagePullFailed', message: 'pull access denied', lastTransitionTime: at(2).toISOString() }] });
  const d = decide(observe(s, 3));
  assert.is(reasonOf(d, 'Finished'), 'ImagePullFailed');
  assert.is(d.status.message, 'pull access denied');
});

test('a session the rules cannot interpret ends as InvalidSpec instead of breaking the loop', () => {
  const broken = session();
  (broken as any).spec = { activeDeadlineSeconds: 3600 }; // no target: impossible under today's schema
  const d = decide(observe(broken, 1));
  assert.is(d.status.phase, 'Failed');
  assert.is(reasonOf(d, 'Finished'), 'InvalidSpec');
});

test('a finished session never moves again', () => {
  const done = session({}, { phase: 'Succeeded', message: 'done' });
  assert.equal(decide(observe(done, 9999)).status.phase, 'Succeeded');
});

test('deleting an unassigned session releases the finalizer at once', () => {
  assert.equal(decideDeletion(observe(session(), 5)), { removeFinalizer: true });
});

test('deleting an assigned session waits for the agent to confirm the container is gone', () => {
  const s = assigned();
  s.metadata.deletionTimestamp = at(10).toISOString();
  assert.is(decideDeletion(observe(s, 11)).removeFinalizer, false);
  s.status!.runtime = { containerRemoved: true };
  assert.is(decideDeletion(observe(s, 12)).removeFinalizer, true);
});

test('deleting a session whose agent is gone releases the finalizer after the bound, with a warning', () => {
  const s = assigned();
  s.metadata.deletionTimestamp = at(10).toISOString();
  const dead = { agentLease: () => lease(-1000) };
  assert.is(decideDeletion(observe(s, 20, dead)).removeFinalizer, false);
  const released = decideDeletion(observe(s, 71, dead));
  assert.is(released.removeFinalizer, true);
  assert.match(released.warning!, 'no live agent');
});

test.run();
