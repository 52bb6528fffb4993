// Failure paths of our own programs on the real cluster, each followed by
// the counts that must reach zero within a stated bound: debug containers of
// this namespace, sessions held by a finalizer, and processes whose command
// line carries the case's marker (the CLI and the debug command). The
// operator runs with short bounds so that lost agents and idle sessions end
// within seconds. Restarts of Docker and the API server are in
// e2e/platform-restarts.test.ts, which runs last.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { nothingLeft } from './bench/leftovers.ts';
import { ScopedStack, TOOLS } from './bench/scoped-stack.ts';
import { ChaosKit, containerPid, exitWithin, finishedWith, marked, running, sleep, withClient } from './chaos-kit.ts';
import { kubeClient, kubectlOk, logged, suffix, waitFor } from './kubectl.ts';

const AGENT_LOST_S = 10;
const IDLE_S = 10;
/** Bounds for the counts: the cause plus a few resyncs and a container stop. */
const CLEAN_MS = 30_000;

const kube = await kubeClient();
let stack: ScopedStack;
const kit = new ChaosKit(() => stack, kube);

// ---- the stack -------------------------------------------------------------------

test.before(logged('chaos setup', async () => {
  stack = await ScopedStack.start({
    prefix: 'e2e-chaos',
    operatorFlags: ['--agent-lost-seconds', String(AGENT_LOST_S), '--finalizer-grace-seconds', '20', '--resync-seconds', '5', '--target-wait-seconds', '10', '--agent-wait-seconds', '10'],
  });
  await stack.createPod('target');
}));

test.after(logged('chaos clean-up', async () => {
  await stack?.stop();
  kube.close();
}));

// ---- the programs die ---------------------------------------------------------------

test('operator SIGKILLed mid-session: the command completes, the restarted operator lets the session go', async () => {
  const marker = `chaos-op-${suffix()}`;
  const cli = kit.startCli(['target', '--', ...marked(marker, 'sleep 6; echo done-$((1+1))')]);
  await kit.sessionWith(marker, running, 'Running');
  await stack.operator.stop('SIGKILL');
  await sleep(3_000);
  stack.startOperator();
  assert.is(await exitWithin(cli, 60_000), 0, cli.err());
  assert.is(cli.out(), 'done-2\n');
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test('agent SIGKILLed under an attached CLI: the CLI reconnects to the restarted agent and gets the rest of the output', async () => {
  const marker = `chaos-agent-${suffix()}`;
  const cli = kit.startCli(['target', '--', ...marked(marker, 'echo before; sleep 12; echo after-$((3+4))')]);
  const s = await kit.sessionWith(marker, withClient, 'Running with a client');
  await stack.agent.stop('SIGKILL');
  await waitFor(async () => cli.err().includes('Lost the connection to the agent'), 10_000, 'the CLI to notice');
  // The container outlives its agent; the agent's return adopts it.
  assert.ok(readFileSync(`/proc/${containerPid(s)}/cmdline`, 'utf8').includes(marker), 'the debug container still runs');
  await sleep(1_000);
  stack.startAgent();
  await waitFor(async () => cli.err().includes('Reconnected'), 20_000, 'the CLI to reconnect');
  assert.is(await exitWithin(cli, 30_000), 0, cli.err());
  assert.is(cli.out(), 'before\nafter-7\n');
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test('agent SIGKILLed during an unattended session: the restarted agent adopts the container and reports the exit', async () => {
  const marker = `chaos-adopt-${suffix()}`;
  const name = `adopt-${suffix()}`;
  await kubectlOk(['-n', stack.ns, 'create', '-f', '-'], JSON.stringify({
    apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession', metadata: { name },
    spec: { target: { pod: 'target' }, image: TOOLS, command: marked(marker, 'sleep 8; echo adopted-$((2+2))') },
  }));
  await kit.sessionWith(marker, running, 'Running');
  await stack.agent.stop('SIGKILL');
  await sleep(2_000);
  stack.startAgent();
  const done = await kit.sessionWith(marker, (s) => s.status?.runtime?.containerRemoved === true, 'container removed', 60_000);
  assert.is(done.status!.phase, 'Succeeded');
  assert.is(done.status!.runtime!.exitCode, 0);
  assert.match(done.status!.runtime!.outputTail ?? '', /adopted-4/);
  await kit.deleteSession(done);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test(`agent gone past --agent-lost-seconds: the session fails as AgentLost, the returning agent removes the container`, async () => {
  const marker = `chaos-lost-${suffix()}`;
  const cli = kit.startCli(['target', '--keep', '--', ...marked(marker)]);
  const s = await kit.sessionWith(marker, running, 'Running');
  await stack.agent.stop('SIGKILL');
  // The Lease lasts 30 s after its last renewal; then AGENT_LOST_S more. The CLI keeps reconnecting until then.
  await kit.sessionWith(marker, finishedWith('AgentLost'), 'AgentLost', (30 + AGENT_LOST_S + 20) * 1000);
  assert.is.not(await exitWithin(cli, 15_000), 0);
  assert.match(cli.err(), /AgentLost/);
  assert.ok(readFileSync(`/proc/${containerPid(s)}/cmdline`, 'utf8').includes(marker), 'the debug container still runs');
  stack.startAgent();
  await kit.sessionWith(marker, (x) => x.status?.runtime?.containerRemoved === true, 'container removed', CLEAN_MS);
  await kit.deleteSession(s);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test(`CLI SIGKILLed with --idle-timeout ${IDLE_S}s: the session ends as IdleTimeout and its container goes`, async () => {
  const marker = `chaos-cli-${suffix()}`;
  const cli = kit.startCli(['target', '-i', '--idle-timeout', `${IDLE_S}s`, '--', ...marked(marker)], true);
  await kit.sessionWith(marker, withClient, 'Running with a client');
  const killedAt = Date.now();
  cli.child.kill('SIGKILL');
  await cli.exited;
  const ended = await kit.sessionWith(marker, (s) => s.status?.runtime?.containerRemoved === true, 'container removed', IDLE_S * 1000 + CLEAN_MS);
  assert.ok(finishedWith('IdleTimeout')(ended), `Finished reason: ${JSON.stringify(ended.status?.conditions)}`);
  assert.ok(Date.now() - killedAt >= IDLE_S * 1000, 'not before the idle timeout');
  await kit.deleteSession(ended);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test('target pod deleted during a session: TargetGone, the container is removed', async () => {
  await stack.createPod('victim');
  const marker = `chaos-target-${suffix()}`;
  const cli = kit.startCli(['victim', '--keep', '--', ...marked(marker)]);
  await kit.sessionWith(marker, running, 'Running');
  await kubectlOk(['-n', stack.ns, 'delete', 'pod', 'victim', '--wait=false']);
  assert.is.not(await exitWithin(cli, 60_000), 0);
  const ended = await kit.sessionWith(marker, (s) => s.status?.runtime?.containerRemoved === true, 'container removed', CLEAN_MS);
  assert.ok(finishedWith('TargetGone')(ended), `Finished reason: ${JSON.stringify(ended.status?.conditions)}`);
  await kit.deleteSession(ended);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test.run();
