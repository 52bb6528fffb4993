// A reader slower than the command, on the real cluster: `kubectl-debug POD
// -- seq ... | <a reader that stops for a while>`. The CLI stops reading the
// agent when its stdout is full, the agent's queue for it passes its
// high-water mark, and the agent pauses the container's stream: the command
// itself waits (it has not ended while the reader was stopped) and, once
// the reader goes on, every byte arrives and no client was dropped.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugSession } from '../crds/types.ts';
import { sessionsPath } from '../kube/sessions.ts';
import { nothingLeft } from './bench/leftovers.ts';
import { ScopedStack } from './bench/scoped-stack.ts';
import { kubeClient, logged, suffix } from './kubectl.ts';
import { REPO_ROOT } from './prepare.ts';

/** About 29 MiB of lines: far more than the pipe, the sockets and the agent's 1 MiB mark hold together. */
const LINES = 4_000_000;
const STOPPED_MS = 4_000;

const kube = await kubeClient();
let stack: ScopedStack | undefined;

test.before(logged('slow reader setup', async () => {
  stack = await ScopedStack.start({ prefix: 'e2e-slow' });
  await stack.createPod('target');
}));

test.after(logged('slow reader clean-up', async () => {
  await stack?.stop();
  kube.close();
}));

function expectedSha256(): string {
  const hash = createHash('sha256');
  const batch: string[] = [];
  for (let n = 1; n <= LINES; n++) {
    batch.push(String(n));
    if (batch.length === 100_000) hash.update(`${batch.splice(0).join('\n')}\n`);
  }
  if (batch.length) hash.update(`${batch.join('\n')}\n`);
  return hash.digest('hex');
}

test('a reader that stops makes the command wait, and then gets every byte', async () => {
  const marker = `slow-${suffix()}`;
  const child = spawn('kubectl-debug', ['-n', stack!.ns, 'target', '--', 'sh', '-c', `seq 1 ${LINES}`, marker], { env: stack!.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const hash = createHash('sha256');
  let bytes = 0;
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  // Read the first bytes, then stop reading for a while.
  await new Promise<void>((r) => child.stdout.once('data', (d: Buffer) => {
    hash.update(d);
    bytes += d.length;
    child.stdout.pause();
    r();
  }));
  await new Promise((r) => setTimeout(r, STOPPED_MS));
  const sessions = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(stack!.ns));
  const session = sessions.items.find((s) => s.spec.args?.includes(marker));
  assert.ok(session, 'the session exists');
  assert.is(session!.status?.runtime?.exitCode, undefined, 'the command waited for the reader instead of running to its end');
  child.stdout.on('data', (d: Buffer) => {
    hash.update(d);
    bytes += d.length;
  });
  child.stdout.resume();
  assert.is(await exited, 0, stderr);
  assert.is(hash.digest('hex'), expectedSha256(), `all ${bytes} bytes, in order`);
  const agentLog = readFileSync(resolve(REPO_ROOT, '.cluster/logs/e2e-slow-agent.log'), 'utf8');
  assert.not.match(agentLog, /Dropped attach client/);
  await nothingLeft(kube, stack!.ns, marker, 30_000);
});

test.run();
