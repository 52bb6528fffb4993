// Failure paths on the real cluster, each followed by the counts that must
// reach zero within a stated bound: debug containers of this namespace,
// sessions held by a finalizer, and processes whose command line carries
// the case's marker (the CLI and the debug command). The operator runs with
// short bounds so that lost agents and idle sessions end within seconds.
//
// Restarting dockerd or the API server disturbs every other test on the
// machine: those two cases run only when asked for, last, and bring the
// component back through e2e/cluster/up.sh: CHAOS_RESTARTS=1 (both),
// CHAOS_RESTARTS=dockerd or CHAOS_RESTARTS=apiserver.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugSession } from '../crds/types.ts';
import { sessionsPath } from '../kube/sessions.ts';
import { nothingLeft } from './bench/leftovers.ts';
import { ScopedStack, TOOLS } from './bench/scoped-stack.ts';
import { kubeClient, kubectlOk, logged, suffix, waitFor } from './kubectl.ts';
import { REPO_ROOT } from './prepare.ts';

const AGENT_LOST_S = 10;
const IDLE_S = 10;
/** Bounds for the counts: the cause plus a few resyncs and a container stop. */
const CLEAN_MS = 30_000;
const RESTARTS = (process.env.CHAOS_RESTARTS ?? '').split(',');
const restarts = (what: string) => RESTARTS.includes('1') || RESTARTS.includes(what);

const kube = kubeClient();
let stack: ScopedStack;

// ---- helpers -------------------------------------------------------------------

interface Cli { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> }

function startCli(args: string[], keepStdinOpen = false): Cli {
  const child = spawn('kubectl-debug', ['-n', stack.ns, ...args], { env: stack.env, stdio: [keepStdinOpen ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** A command that runs until it is stopped, with the marker in its argv (`$0` of the shell). */
const marked = (marker: string, script = 'sleep 3600') => ['sh', '-c', script, marker];

async function sessionWith(marker: string, ok: (s: DebugSession) => boolean, what: string, ms = 60_000): Promise<DebugSession> {
  return waitFor(async () => {
    const list = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(stack.ns));
    // The CLI splits argv into spec.command (the first word) and spec.args.
    return list.items.find((s) => [...(s.spec.command ?? []), ...(s.spec.args ?? [])].includes(marker) && ok(s));
  }, ms, `session of ${marker}: ${what}`);
}

const running = (s: DebugSession) => s.status?.phase === 'Running';
const finishedWith = (reason: string) => (s: DebugSession) => s.status?.conditions?.some((c) => c.type === 'Finished' && c.reason === reason) === true;

async function exitWithin(cli: Cli, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  const code = await Promise.race([cli.exited, timeout]);
  clearTimeout(timer);
  if (code === 'timeout') {
    cli.child.kill('SIGKILL');
    throw new Error(`the CLI did not exit within ${ms / 1000} s; stderr: ${cli.err()}`);
  }
  return code;
}

/** The host pid of a session's debug container. */
const containerPid = (s: DebugSession) =>
  execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', `kubectl-debug-${s.metadata.uid}`], { encoding: 'utf8' }).trim();

const deleteSession = (s: DebugSession) => kubectlOk(['-n', stack.ns, 'delete', 'dbg', s.metadata.name!, '--wait=false']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  const cli = startCli(['target', '--', ...marked(marker, 'sleep 6; echo done-$((1+1))')]);
  await sessionWith(marker, running, 'Running');
  await stack.operator.stop('SIGKILL');
  await sleep(3_000);
  stack.startOperator();
  assert.is(await exitWithin(cli, 60_000), 0, cli.err());
  assert.is(cli.out(), 'done-2\n');
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test('agent SIGKILLed under an attached CLI: the CLI reconnects to the restarted agent and gets the rest of the output', async () => {
  const marker = `chaos-agent-${suffix()}`;
  const cli = startCli(['target', '--', ...marked(marker, 'echo before; sleep 12; echo after-$((3+4))')]);
  const s = await sessionWith(marker, (x) => running(x) && (x.status?.runtime?.attachedClients ?? 0) > 0, 'Running with a client');
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
  await sessionWith(marker, running, 'Running');
  await stack.agent.stop('SIGKILL');
  await sleep(2_000);
  stack.startAgent();
  const done = await sessionWith(marker, (s) => s.status?.runtime?.containerRemoved === true, 'container removed', 60_000);
  assert.is(done.status!.phase, 'Succeeded');
  assert.is(done.status!.runtime!.exitCode, 0);
  assert.match(done.status!.runtime!.outputTail ?? '', /adopted-4/);
  await deleteSession(done);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test(`agent gone past --agent-lost-seconds: the session fails as AgentLost, the returning agent removes the container`, async () => {
  const marker = `chaos-lost-${suffix()}`;
  const cli = startCli(['target', '--keep', '--', ...marked(marker)]);
  const s = await sessionWith(marker, running, 'Running');
  await stack.agent.stop('SIGKILL');
  // The Lease lasts 30 s after its last renewal; then AGENT_LOST_S more. The CLI keeps reconnecting until then.
  await sessionWith(marker, finishedWith('AgentLost'), 'AgentLost', (30 + AGENT_LOST_S + 20) * 1000);
  assert.is.not(await exitWithin(cli, 15_000), 0);
  assert.match(cli.err(), /AgentLost/);
  assert.ok(readFileSync(`/proc/${containerPid(s)}/cmdline`, 'utf8').includes(marker), 'the debug container still runs');
  stack.startAgent();
  await sessionWith(marker, (x) => x.status?.runtime?.containerRemoved === true, 'container removed', CLEAN_MS);
  await deleteSession(s);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test(`CLI SIGKILLed with --idle-timeout ${IDLE_S}s: the session ends as IdleTimeout and its container goes`, async () => {
  const marker = `chaos-cli-${suffix()}`;
  const cli = startCli(['target', '-i', '--idle-timeout', `${IDLE_S}s`, '--', ...marked(marker)], true);
  await sessionWith(marker, (s) => running(s) && (s.status?.runtime?.attachedClients ?? 0) > 0, 'Running with a client');
  const killedAt = Date.now();
  cli.child.kill('SIGKILL');
  await cli.exited;
  const ended = await sessionWith(marker, (s) => s.status?.runtime?.containerRemoved === true, 'container removed', IDLE_S * 1000 + CLEAN_MS);
  assert.ok(finishedWith('IdleTimeout')(ended), `Finished reason: ${JSON.stringify(ended.status?.conditions)}`);
  assert.ok(Date.now() - killedAt >= IDLE_S * 1000, 'not before the idle timeout');
  await deleteSession(ended);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

test('target pod deleted during a session: TargetGone, the container is removed', async () => {
  await stack.createPod('victim');
  const marker = `chaos-target-${suffix()}`;
  const cli = startCli(['victim', '--keep', '--', ...marked(marker)]);
  await sessionWith(marker, running, 'Running');
  await kubectlOk(['-n', stack.ns, 'delete', 'pod', 'victim', '--wait=false']);
  assert.is.not(await exitWithin(cli, 60_000), 0);
  const ended = await sessionWith(marker, (s) => s.status?.runtime?.containerRemoved === true, 'container removed', CLEAN_MS);
  assert.ok(finishedWith('TargetGone')(ended), `Finished reason: ${JSON.stringify(ended.status?.conditions)}`);
  await deleteSession(ended);
  await nothingLeft(kube, stack.ns, marker, CLEAN_MS);
});

// ---- the platform restarts (only with CHAOS_RESTARTS) ----------------------------------

const restartCase = (what: string) => (restarts(what) ? test : test.skip);
if (!restarts('dockerd') || !restarts('apiserver')) {
  console.log('  chaos: dockerd and/or API server restarts skipped (they disturb every test on the machine); CHAOS_RESTARTS=1 runs them');
}

/** After a restart of the node's Docker the target's container restarts too; a session needs it running. */
const targetReady = () => kubectlOk(['-n', stack.ns, 'wait', '--for=condition=Ready', 'pod/target', '--timeout=180s']);

/** Stops a component the way e2e/cluster/lib.sh does (SIGTERM, then SIGKILL), then brings the cluster back with up.sh. */
async function restartThroughUpSh(pidFile: string, graceSeconds: number): Promise<void> {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceSeconds * 1000;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(100);
  const code = await new Promise<number | null>((r) => spawn('bash', [resolve(REPO_ROOT, 'e2e/cluster/up.sh')], { stdio: ['ignore', 'inherit', 'inherit'] }).on('close', r));
  assert.is(code, 0, 'e2e/cluster/up.sh brought the cluster back');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

restartCase('dockerd')('dockerd restarted mid-session: the session ends and nothing is left once Docker is back', async () => {
  await targetReady();
  const marker = `chaos-docker-${suffix()}`;
  const cli = startCli(['target', '--', ...marked(marker)]);
  await sessionWith(marker, running, 'Running');
  await restartThroughUpSh('/var/run/docker.pid', 60);
  await exitWithin(cli, 120_000);
  assert.ok(stack.agent.process.exitCode === null && stack.operator.process.exitCode === null, 'agent and operator survived');
  await nothingLeft(kube, stack.ns, marker, 120_000);
});

restartCase('apiserver')('API server restarted mid-session: the attached session carries on, then ends cleanly', async () => {
  await targetReady();
  const marker = `chaos-api-${suffix()}`;
  const cli = startCli(['target', '-i', '--', ...marked(marker, 'read x; echo got-$x')], true);
  await sessionWith(marker, (s) => running(s) && (s.status?.runtime?.attachedClients ?? 0) > 0, 'Running with a client');
  await restartThroughUpSh(resolve(REPO_ROOT, '.cluster/run/kube-apiserver.pid'), 5);
  cli.child.stdin!.end('after-restart\n');
  assert.is(await exitWithin(cli, 60_000), 0, cli.err());
  assert.is(cli.out(), 'got-after-restart\n');
  await nothingLeft(kube, stack.ns, marker, 60_000);
});

test.run();
