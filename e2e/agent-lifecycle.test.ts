// The node agent on the real local cluster over a session's life: its debug
// container goes away however the session ends (exit, deletion, deadline),
// and a restarted agent adopts running containers, removes orphans, and
// still serves the output of a command that ended before anyone attached.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Channel, encode } from '../attach/channel-protocol.ts';
import { AgentStack, attached, containerGone, docker, ready, seqText, sha256 } from './agent-kit.ts';
import { installBinDir, run as runCommand } from './cli-harness.ts';
import { kubectlOk, logged, waitFor } from './kubectl.ts';

let ctx: AgentStack;

test.before(logged('agent-lifecycle setup', async () => {
  ctx = await AgentStack.start();
}));

test.after(async () => {
  await ctx?.stop();
});

// ---- the container goes away every way a session ends -------------------------------

test('after the command exits the container is removed and status says so', async () => {
  const { session } = await ctx.runInDebugContainer('exit-cleanup', ['true'], 'kubectl-debug.local/busybox:1');
  const s = await ctx.waitSession('exit-cleanup', (x) => x.status?.runtime?.containerRemoved, 'containerRemoved');
  assert.is(s.status!.runtime!.exitCode, 0);
  assert.ok(await containerGone(session.metadata.uid!));
});

test('deleting a running session removes its container and lets the session go', async () => {
  await ctx.createSession('deleted', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1' });
  const s = await ctx.waitSession('deleted', ready, 'Ready');
  assert.not.ok(await containerGone(s.metadata.uid!));
  await kubectlOk(['-n', ctx.ns, 'delete', 'debugsession', 'deleted', '--wait=false']);
  await waitFor(async () => containerGone(s.metadata.uid!), 30_000, 'container of the deleted session to go');
  await waitFor(async () => ctx.getSession('deleted').then(() => false, () => true), 30_000, 'deleted session to disappear');
});

test('a session the operator ends at its deadline loses its container', async () => {
  await ctx.createSession('deadline', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1', activeDeadlineSeconds: 10 });
  const s = await ctx.waitSession('deadline', ready, 'Ready');
  const ended = await ctx.waitSession('deadline', (x) => x.status?.runtime?.containerRemoved, 'containerRemoved', 40_000);
  assert.is(ended.status!.phase, 'Failed');
  // Held for a client that never came: removed unstarted, which is the deadline's doing, not a container failure.
  assert.is(ended.status!.conditions!.find((c) => c.type === 'Ready')?.reason, 'DeadlineExceeded');
  assert.ok(await containerGone(s.metadata.uid!));
});

// ---- restarts --------------------------------------------------------------------

test('a restarted agent adopts running containers, which can be re-attached, and removes orphans', async () => {
  const token = await ctx.createSession('adopted', { stdin: true, tty: true, image: 'kubectl-debug.local/busybox:1', command: ['sh'] });
  const s = await ctx.waitSession('adopted', ready, 'Ready');
  const before = await attached(s.status!.runtime!.attachURL!, token);
  before.ws.send(encode(Channel.stdin, 'echo before-$((1+1))\r'));
  await waitFor(async () => before.stdout().includes('before-2'), 10_000, 'output before the restart');

  await ctx.agent!.stop();
  assert.is(await docker('inspect', '-f', '{{.State.Running}}', `kubectl-debug-${s.metadata.uid}`), 'true');
  const orphan = await docker('create', '--label', `debug.kubectl-debug.dev/session=${ctx.ns}.ghost`, '--label', 'debug.kubectl-debug.dev/node=127.0.0.1',
    '--label', 'debug.kubectl-debug.dev/session-uid=ghost-uid', 'kubectl-debug.local/busybox:1', 'sleep', '600');
  ctx.launchAgent();

  await waitFor(async () => (await docker('ps', '-a', '-q', '--filter', `id=${orphan}`)) === '', 30_000, 'orphan container to be removed');
  const again = await attached(s.status!.runtime!.attachURL!, await ctx.regrant('adopted'));
  again.ws.send(encode(Channel.stdin, 'echo after-$((2+2)); exit 7\r'));
  assert.is(await again.done, 7);
  assert.match(again.stdout(), /after-4/);
  const ended = await ctx.waitSession('adopted', (x) => x.status?.runtime?.containerRemoved, 'containerRemoved');
  assert.is(ended.status!.runtime!.exitCode, 7);
  assert.is(ended.status!.runtime!.certificateSHA256, s.status!.runtime!.certificateSHA256, 'the fingerprint survives the restart');
});

test("a command that ended before its client attached, the agent restarted since, shows its whole output through the CLI", async () => {
  // The grant runs out before anyone attaches, so the command runs unattended.
  // With the operator stopped the session stays unfinished, as in the moment
  // before the operator notices an exit, so `attach` goes on to the output.
  const name = 'ended-unseen';
  await ctx.createSession(name, { command: ['sh', '-c', 'seq 1 30000; exit 4'] }, 3_000);
  await ctx.waitSession(name, ready, 'Ready');
  await ctx.operator!.stop();
  try {
    const s = await ctx.waitSession(name, (x) => x.status?.runtime?.containerRemoved, 'containerRemoved');
    assert.is(s.status!.runtime!.exitCode, 4);
    assert.is(s.status!.phase, 'Assigned');
    await ctx.agent!.stop();
    ctx.launchAgent();
    await ctx.agentListening();
    const binDir = installBinDir();
    const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, KUBECTL_DEBUG_CONFIG: join(binDir, 'no-config') };
    const r = await runCommand('kubectl-debug', ['attach', name, '-n', ctx.ns], { env, input: '' });
    assert.is(r.code, 4, r.stderr);
    assert.not.match(r.stderr, /note:/, 'the whole log, not the tail kept in status');
    const expected = seqText(30000);
    assert.is(r.stdout.length, expected.length, r.stderr);
    assert.is(sha256(r.stdout), sha256(expected));
  } finally {
    ctx.launchOperator();
  }
});

test.run();
