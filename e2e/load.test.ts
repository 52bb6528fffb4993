// Load: 20 sessions at once on the one node, each a CLI run whose command
// streams known data for a few seconds. Every byte must arrive (the SHA-256
// of what the CLI printed equals that of the expected text, computed here),
// the streams must have run at the same time (none waited for another to
// finish), and the slowest stream may take at most SLOWEST_VS_MEDIAN times
// the median. Afterwards nothing may be left.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { nothingLeft } from './bench/leftovers.ts';
import { ScopedStack, type TargetPod } from './bench/scoped-stack.ts';
import { sessionsPath } from '../kube/sessions.ts';
import { kubeClient, logged, waitFor } from './kubectl.ts';

const SESSIONS = 20;
/**
 * Blocks of numbers with a pause after each: a stream of about 20 s rather
 * than one burst, longer than it takes all 20 to start on 2 busy cores, so
 * that streams which did not wait for each other must overlap.
 */
const BLOCKS = 40;
const PER_BLOCK = 5_000;
const PAUSE = '0.5';
/** From spawn to a session's first byte: starting 20 at once queues, but none may wait for another to end. */
const FIRST_BYTE_MS = 60_000;
const ALL_DONE_MS = 180_000;
const SLOWEST_VS_MEDIAN = 3;
const NOTHING_LEFT_MS = 60_000;

const kube = await kubeClient();
let stack: ScopedStack | undefined;
let pod: TargetPod;

/** What session `id` prints: a header naming it (so crossed streams show), then 1..BLOCKS*PER_BLOCK, one per line. */
function expected(id: number): string {
  const lines = [`session-${id}`];
  for (let n = 1; n <= BLOCKS * PER_BLOCK; n++) lines.push(String(n));
  return `${lines.join('\n')}\n`;
}

function command(id: number): string[] {
  return ['sh', '-c', `echo session-${id}; i=0; while [ $i -lt ${BLOCKS} ]; do seq $((i*${PER_BLOCK}+1)) $((i*${PER_BLOCK}+${PER_BLOCK})); sleep ${PAUSE}; i=$((i+1)); done`];
}

interface Received { id: number; code: number | null; bytes: number; sha256: string; firstByteMs: number; lastByteMs: number; stderr: string }

function runSession(id: number, start: number): Promise<Received> {
  return new Promise((resolve) => {
    const child = spawn('kubectl-debug', ['-n', stack!.ns, pod.name, '--', ...command(id)], { env: stack!.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    let bytes = 0;
    let firstByteMs = NaN;
    let lastByteMs = NaN;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      const now = performance.now() - start;
      if (bytes === 0) firstByteMs = now;
      lastByteMs = now;
      bytes += d.length;
      hash.update(d);
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), ALL_DONE_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ id, code, bytes, sha256: hash.digest('hex'), firstByteMs, lastByteMs, stderr });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test.before(logged('load setup', async () => {
  // --max-sessions: the default (16) is below this test's 20.
  stack = await ScopedStack.start({ prefix: 'e2e-load', agentFlags: ['--max-sessions', String(SESSIONS + 4)] });
  pod = await stack.createPod('target');
}));

test.after(logged('load clean-up', async () => {
  await stack?.stop();
  kube.close();
}));

test(`${SESSIONS} concurrent sessions stream checksummed data: no byte lost, none blocked by another`, async () => {
  const start = performance.now();
  const results = await Promise.all(Array.from({ length: SESSIONS }, (_, id) => runSession(id, start)));
  const took = performance.now() - start;

  for (const r of results) {
    const want = expected(r.id);
    assert.is(r.code, 0, `session ${r.id} exited ${r.code}: ${r.stderr}`);
    assert.is(r.bytes, Buffer.byteLength(want), `session ${r.id}: bytes received`);
    assert.is(r.sha256, createHash('sha256').update(want).digest('hex'), `session ${r.id}: SHA-256 of its output`);
  }
  assert.ok(took < ALL_DONE_MS, `all done within ${ALL_DONE_MS / 1000} s (took ${(took / 1000).toFixed(1)} s)`);

  const timeline = [...results].sort((a, b) => a.firstByteMs - b.firstByteMs).map((r) => `${(r.firstByteMs / 1000).toFixed(1)}-${(r.lastByteMs / 1000).toFixed(1)}`);
  console.log(`  streams (first-last byte, s since all started): ${timeline.join(' ')}`);
  // Concurrent, not one after another: some moment saw every stream under way.
  const lastStart = Math.max(...results.map((r) => r.firstByteMs));
  assert.ok(lastStart < FIRST_BYTE_MS, `every stream began within ${FIRST_BYTE_MS / 1000} s (the last at ${(lastStart / 1000).toFixed(1)} s)`);
  const firstEnd = Math.min(...results.map((r) => r.lastByteMs));
  assert.ok(lastStart < firstEnd, `every stream had begun (${lastStart.toFixed(0)} ms) before the first ended (${firstEnd.toFixed(0)} ms)`);

  const durations = results.map((r) => r.lastByteMs - r.firstByteMs);
  const slowest = Math.max(...durations);
  console.log(`  ${SESSIONS} sessions in ${(took / 1000).toFixed(1)} s; stream time median ${(median(durations) / 1000).toFixed(1)} s, slowest ${(slowest / 1000).toFixed(1)} s`);
  assert.ok(slowest <= SLOWEST_VS_MEDIAN * median(durations), `slowest stream ${slowest.toFixed(0)} ms is within ${SLOWEST_VS_MEDIAN}x the median ${median(durations).toFixed(0)} ms`);

  await nothingLeft(kube, stack!.ns, undefined, NOTHING_LEFT_MS);
  // Each CLI deleted its session on the way out.
  await waitFor(async () => (await kube.request('GET', sessionsPath(stack!.ns))).items.length === 0, NOTHING_LEFT_MS, 'no sessions left');
});

test.run();
