// The platform under a session restarts: the node's Docker Engine and the
// API server, each stopped the way e2e/cluster/lib.sh stops them (SIGTERM,
// then SIGKILL) and brought back by e2e/cluster/up.sh, as an operator of a
// real cluster would. Each case ends with the counts of e2e/chaos.test.ts at
// zero within a stated bound: debug containers, sessions held by a
// finalizer, processes of the debug command.
//
// They disturb everything else on the cluster, so scripts/run-tests.ts runs
// this file after all the others, and the cluster is whole again when it
// ends. CHAOS_RESTARTS=0 skips it (to run the suite beside other work on
// the same machine).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nothingLeft } from './bench/leftovers.ts';
import { ScopedStack } from './bench/scoped-stack.ts';
import { ChaosKit, exitWithin, marked, running, withClient } from './chaos-kit.ts';
import { kubeClient, kubectlOk, logged, suffix } from './kubectl.ts';
import { REPO_ROOT } from './prepare.ts';

const skip = process.env.CHAOS_RESTARTS === '0';
const kube = await kubeClient();
let stack: ScopedStack;
const kit = new ChaosKit(() => stack, kube);
const restartTest = skip ? test.skip : test;
if (skip) console.log('  platform restarts skipped (CHAOS_RESTARTS=0)');

test.before(logged('platform restarts setup', async () => {
  if (skip) return;
  stack = await ScopedStack.start({ prefix: 'e2e-restarts', operatorFlags: ['--resync-seconds', '5'] });
  await stack.createPod('target');
}));

test.after(logged('platform restarts clean-up', async () => {
  await stack?.stop();
  kube.close();
}));

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

restartTest('dockerd restarted mid-session: the session ends and nothing is left once Docker is back', async () => {
  await targetReady();
  const marker = `restart-docker-${suffix()}`;
  const cli = kit.startCli(['target', '--', ...marked(marker)]);
  await kit.sessionWith(marker, running, 'Running');
  await restartThroughUpSh('/var/run/docker.pid', 60);
  // Docker stops every container when it stops, the debug container with them.
  assert.is.not(await exitWithin(cli, 120_000), 0);
  assert.ok(stack.agent.process.exitCode === null && stack.operator.process.exitCode === null, 'agent and operator survived');
  await nothingLeft(kube, stack.ns, marker, 120_000);
});

restartTest('API server restarted mid-session: the attached session carries on, then ends cleanly', async () => {
  await targetReady();
  const marker = `restart-api-${suffix()}`;
  const cli = kit.startCli(['target', '-i', '--', ...marked(marker, 'read x; echo got-$x')], true);
  await kit.sessionWith(marker, withClient, 'Running with a client');
  await restartThroughUpSh(resolve(REPO_ROOT, '.cluster/run/kube-apiserver.pid'), 5);
  cli.child.stdin!.end('after-restart\n');
  assert.is(await exitWithin(cli, 60_000), 0, cli.err());
  assert.is(cli.out(), 'got-after-restart\n');
  await nothingLeft(kube, stack.ns, marker, 60_000);
});

test.run();
