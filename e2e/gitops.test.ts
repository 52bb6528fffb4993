// Declarative and GitOps-declared sessions (issue 7) on the real local
// cluster: manifests applied with `kubectl apply` as Argo CD or Flux would,
// targets by selector and by workload, unattended commands whose output is
// kept, interactive sessions attached later, re-apply and deletion.
// Rejected manifests are in crd.test.ts; a selector matching nothing is in
// operator.test.ts ("a selector that matches nothing fails the session as
// NoMatchingPod"); its workload counterpart is here.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import type { DebugSession } from '../crds/types.ts';
import { isNotFound } from '../kube/client.ts';
import { deployment, GitopsStack, manifest, SAMPLES, TOOLS } from './gitops-stack.ts';
import { kubectlOk, logged, waitFor } from './kubectl.ts';

const gitops = suite<{ stack: GitopsStack }>('declarative and GitOps sessions', { stack: undefined as unknown as GitopsStack });

gitops.before(logged('gitops setup', async (ctx) => {
  ctx.stack = await GitopsStack.start();
}));

gitops.after(logged('gitops clean-up', async (ctx) => {
  await ctx.stack?.stop();
}));

const finishedReason = (s: DebugSession) => s.status?.conditions?.find((c) => c.type === 'Finished' && c.status === 'True')?.reason;
const SS = { image: TOOLS, command: ['ss'], args: ['-ltn'], activeDeadlineSeconds: 120 };

gitops('a selector target runs on the oldest running pod (ties by name), and kubectl wait sees it finish', async ({ stack }) => {
  const expected = await stack.expectedPick('app=web');
  const applied = await stack.apply(manifest('by-selector', { ...SS, target: { selector: { matchLabels: { app: 'web' } } } }));
  assert.is(applied.code, 0, applied.stderr);
  await stack.kubectlWait('by-selector', 'Finished', 90);
  const s = await stack.session('by-selector');
  assert.is(s.status!.target!.pod, expected);
  assert.is(s.status!.phase, 'Succeeded');
  assert.is(s.status!.runtime!.exitCode, 0);
  assert.match(s.status!.runtime!.outputTail!, '127.0.0.1:8080');
});

gitops('a workload target, config/samples/workload-deployment.yaml applied verbatim, runs on the pick among its pods', async ({ stack }) => {
  const expected = await stack.expectedPick('app=web');
  const applied = await stack.apply(resolve(SAMPLES, 'workload-deployment.yaml'));
  assert.match(applied.stdout, 'debugsession.debug.kubectl-debug.dev/web-sockets created', applied.stderr);
  await stack.kubectlWait('web-sockets', 'Finished', 90);
  const s = await stack.session('web-sockets');
  assert.is(s.status!.target!.pod, expected);
  assert.is(s.status!.phase, 'Succeeded');
  assert.is(s.status!.runtime!.exitCode, 0);
  // -p names the process: the debug container sees the target's processes, not only its sockets.
  assert.match(s.status!.runtime!.outputTail!, /127\.0\.0\.1:8080 .*users:\(\("busybox"/, s.status!.runtime!.outputTail);
});

gitops('a workload that does not exist makes the session wait, saying so in its status', async ({ stack }) => {
  await stack.apply(manifest('no-workload', { target: { workload: { kind: 'StatefulSet', name: 'ghost' } }, ...SS }));
  const s = await stack.waitSession('no-workload', (s) => s.status?.conditions?.some((c) => c.type === 'Assigned' && c.reason === 'NoMatchingPod'), 'NoMatchingPod', 20_000);
  assert.is(s.status!.phase, 'Pending');
  assert.match(s.status!.message!, 'StatefulSet "ghost" not found in this namespace');
  await kubectlOk(['-n', stack.ns, 'delete', 'dbg', 'no-workload']);
});

gitops("the issue's example, config/samples/unattended-selector.yaml verbatim: 200 packets from the payments pod", async ({ stack }) => {
  // A payments pod that talks to itself five times a second, so there are packets to capture.
  await stack.createDeployment(deployment('payments', 1, 'while true; do wget -q -O /dev/null http://127.0.0.1:8080/ 2>/dev/null; sleep 0.2; done'));
  const expected = await stack.expectedPick('app=payments');
  await stack.apply(resolve(SAMPLES, 'unattended-selector.yaml'));
  await stack.kubectlWait('payments-capture', 'Finished', 120);
  const s = await stack.session('payments-capture');
  assert.is(s.status!.target!.pod, expected);
  assert.is(s.status!.phase, 'Succeeded', s.status!.message);
  assert.match(s.status!.runtime!.outputTail!, '127.0.0.1.8080');
  // The whole capture is in the kept output: tcpdump's summary (stderr) and one line per packet (stdout).
  const logs = await stack.dbg(['logs', 'payments-capture']);
  assert.is(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, '200 packets captured');
  // stdout is block-buffered, so the summary on stderr can land inside a packet's line: take it out first.
  const packets = logs.stdout.replace(/200 packets captured\n\d+ packets received by filter\n\d+ packets dropped by kernel\n/, '');
  assert.is(packets.match(/^\d\d:\d\d:\d\d\.\d{6} .*127\.0\.0\.1\.8080/gm)?.length, 200, logs.stdout);
  await kubectlOk(['-n', stack.ns, 'delete', 'deployment', 'payments']);
});

gitops('a pod picked by selector or workload that goes away before the session starts is replaced by the next pick', async ({ stack }) => {
  // Nothing starts while the agent is down; its Lease is kept fresh so the operator still assigns.
  await stack.stopAgent();
  const release = await stack.holdAgentLease();
  try {
    const first = await stack.expectedPick('app=web');
    await stack.apply(manifest('reresolve-selector', { ...SS, target: { selector: { matchLabels: { app: 'web' } } } }));
    await stack.apply(manifest('reresolve-workload', { ...SS, target: { workload: { kind: 'Deployment', name: 'web' } } }));
    for (const name of ['reresolve-selector', 'reresolve-workload']) {
      const s = await stack.waitSession(name, (s) => s.status?.phase === 'Assigned', 'Assigned', 30_000);
      assert.is(s.status!.target!.pod, first);
    }
    const second = await stack.expectedPick('app=web', [first]);
    await kubectlOk(['-n', stack.ns, 'delete', 'pod', first, '--wait=false']);
    for (const name of ['reresolve-selector', 'reresolve-workload']) {
      const moved = (s: DebugSession) => s.status?.phase === 'Assigned' && s.status.target && s.status.target.pod !== first;
      const s = await stack.waitSession(name, moved, `re-assigned away from ${first}`, 30_000);
      assert.is(s.status!.target!.pod, second);
      assert.match(s.status!.message!, `pod ${second} assigned`);
      assert.ok(s.status!.conditions!.some((c) => c.type === 'Assigned' && c.status === 'True'));
      assert.is(s.status!.runtime?.containerID, undefined);
    }
  } finally {
    await release();
    await stack.startAgent();
  }
  for (const name of ['reresolve-selector', 'reresolve-workload']) {
    await stack.kubectlWait(name, 'Finished', 90);
    const s = await stack.session(name);
    assert.is(s.status!.phase, 'Succeeded', s.status!.message);
    assert.match(s.status!.runtime!.outputTail!, '127.0.0.1:8080');
  }
});

const LINES = Array.from({ length: 500 }, (_, i) => `line ${i + 1}\n`).join('');

gitops('an unattended command keeps its exit code, a tail in status and its whole output, across an agent restart', async ({ stack }) => {
  const spec = {
    target: { workload: { kind: 'Deployment', name: 'web' } }, image: TOOLS,
    command: ['sh', '-c', 'for i in $(seq 1 500); do echo line $i; done; exit 7'], activeDeadlineSeconds: 120,
  };
  await stack.apply(manifest('count', spec));
  await stack.kubectlWait('count', 'Finished', 90);
  const s = await stack.session('count');
  assert.is(s.status!.phase, 'Failed');
  assert.is(finishedReason(s), 'NonZeroExitCode');
  assert.is(s.status!.runtime!.exitCode, 7);
  assert.ok(s.status!.runtime!.outputTail!.endsWith('line 500\n'), s.status!.runtime!.outputTail);
  const before = await stack.dbg(['logs', 'count']);
  assert.is(before.code, 0, before.stderr);
  assert.is(before.stdout, LINES);

  await stack.stopAgent();
  await stack.startAgent();
  const after = await stack.dbg(['logs', 'count']);
  assert.is(after.code, 0, after.stderr);
  assert.not.match(after.stderr, 'showing the last output kept');
  assert.is(after.stdout, LINES);
});

gitops('an interactive session declared in Git (config/samples/interactive-workload.yaml) waits, and is attached later', async ({ stack }) => {
  const applied = await stack.apply(resolve(SAMPLES, 'interactive-workload.yaml'));
  assert.is(applied.code, 0, applied.stderr);
  await stack.kubectlWait('web-oncall-shell', 'Ready', 90);
  // Ready is the agent's word; the operator moves the phase to Running right after.
  const waiting = await stack.waitSession('web-oncall-shell', (s) => s.status?.phase === 'Running', 'Running', 15_000);
  assert.is(waiting.status!.runtime!.attachedClients, 0);
  assert.is(waiting.spec.attach, undefined, 'nobody has been granted an attach yet');

  const r = await stack.dbg(['attach', 'web-oncall-shell'], 'echo hello-$((6*7)); exit 0\n');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'hello-42');
  await stack.kubectlWait('web-oncall-shell', 'Finished', 30);
  const done = await stack.waitSession('web-oncall-shell', (s) => s.status?.runtime?.containerRemoved, 'container removed', 30_000);
  assert.is(done.status!.phase, 'Succeeded');
  assert.equal(await stack.containersOf(done.metadata.uid!), []);
});

gitops('re-applying finished sessions, client-side or server-side, is a no-op that runs nothing', async ({ stack }) => {
  const cases = [['workload-deployment.yaml', 'web-sockets'], ['interactive-workload.yaml', 'web-oncall-shell']] as const;
  for (const [file, name] of cases) {
    const before = await stack.session(name);
    const again = await stack.apply(resolve(SAMPLES, file));
    assert.is(again.code, 0, again.stderr);
    assert.match(again.stdout, `${name} unchanged`);
    // Flux applies server-side under its own field manager; fields it does not declare (spec.attach) are not its.
    const flux = await stack.apply(resolve(SAMPLES, file), ['--server-side', '--field-manager=e2e-flux']);
    assert.is(flux.code, 0, flux.stderr);
    const after = await stack.session(name);
    assert.is(after.metadata.uid, before.metadata.uid);
    assert.is(after.metadata.generation, before.metadata.generation);
    assert.equal(after.spec.attach, before.spec.attach, 'the attach grant the CLI wrote is still there');
    assert.equal(after.status, before.status);
  }
  assert.ok((await stack.session('web-oncall-shell')).spec.attach, 'kubectl-debug attach patched spec.attach before the re-apply');
  // Past a resync or two of the operator and the agent, nothing has started again.
  await new Promise((r) => setTimeout(r, 6_000));
  for (const [, name] of cases) {
    const s = await stack.session(name);
    assert.ok(['Succeeded', 'Failed'].includes(s.status!.phase!), `${name}: ${s.status!.phase}`);
    assert.ok(s.status!.runtime!.containerRemoved);
    assert.equal(await stack.containersOf(s.metadata.uid!), [], `${name} has a container again`);
  }
});

gitops('an interactive session nobody attaches ends at its deadline, and its container is removed', async ({ stack }) => {
  const spec = { target: { selector: { matchLabels: { app: 'web' } } }, image: TOOLS, stdin: true, tty: true, activeDeadlineSeconds: 15 };
  await stack.apply(manifest('nobody-came', spec));
  await stack.kubectlWait('nobody-came', 'Ready', 60);
  const uid = (await stack.session('nobody-came')).metadata.uid!;
  assert.is((await stack.containersOf(uid)).length, 1);
  await stack.kubectlWait('nobody-came', 'Finished', 45);
  const s = await stack.waitSession('nobody-came', (s) => s.status?.runtime?.containerRemoved, 'container removed', 30_000);
  assert.is(s.status!.phase, 'Failed');
  assert.is(finishedReason(s), 'DeadlineExceeded');
  assert.equal(await stack.containersOf(uid), []);
});

gitops('a finished session is kept until deleted; deleting a running one removes its container before the object goes', async ({ stack }) => {
  // Finished long ago and several resyncs since: still there, with its outcome.
  assert.is((await stack.session('by-selector')).status!.phase, 'Succeeded');
  await kubectlOk(['-n', stack.ns, 'delete', 'dbg', 'by-selector', '--timeout=30s']);

  await stack.apply(manifest('long-running', { target: { selector: { matchLabels: { app: 'web' } } }, image: TOOLS, command: ['sleep', '600'] }));
  await stack.kubectlWait('long-running', 'Ready', 60);
  const running = await stack.session('long-running');
  assert.ok(running.metadata.finalizers?.includes('debug.kubectl-debug.dev/cleanup'));
  const uid = running.metadata.uid!;
  assert.is((await stack.containersOf(uid)).length, 1);
  await kubectlOk(['-n', stack.ns, 'delete', 'dbg', 'long-running', '--wait=false']);
  await waitFor(() => stack.session('long-running').then(() => false, (err) => isNotFound(err)), 30_000, 'long-running to be gone');
  assert.equal(await stack.containersOf(uid), [], 'the container outlived its session object');
});

gitops('a deleted session that Git still declares comes back on the next sync as a new session, and runs again', async ({ stack }) => {
  const old = await stack.session('web-sockets');
  await kubectlOk(['-n', stack.ns, 'delete', 'dbg', 'web-sockets', '--timeout=30s']);
  const applied = await stack.apply(resolve(SAMPLES, 'workload-deployment.yaml'));
  assert.match(applied.stdout, 'web-sockets created');
  await stack.kubectlWait('web-sockets', 'Finished', 90);
  const s = await stack.session('web-sockets');
  assert.is.not(s.metadata.uid, old.metadata.uid);
  assert.is.not(s.status!.runtime!.startedAt, old.status!.runtime!.startedAt);
  assert.is(s.status!.phase, 'Succeeded');
});

gitops.run();
