import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net, { type AddressInfo } from 'node:net';
import type { DebugSession } from '../crds/types.ts';
import { KubeClient } from '../kube/client.ts';
import { printLogs, requireStarted } from './session-logs.ts';

/** A port nothing listens on, so the agent cannot be reached. */
const closedPort = await new Promise<number>((r) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => r(port));
  });
});

const session = (runtime: NonNullable<DebugSession['status']>['runtime']): DebugSession => ({
  apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession',
  metadata: { name: 's', namespace: 'ns' }, spec: { target: { pod: 'web' } },
  status: { phase: 'Succeeded', runtime },
});

/** Captures what printLogs writes to stdout and stderr. */
async function captured(fn: () => Promise<void>): Promise<{ out: string; err: string }> {
  const writes = { out: '', err: '' };
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((c: string) => ((writes.out += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((writes.err += c), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    Object.assign(process.stdout, { write: out });
    Object.assign(process.stderr, { write: err });
  }
  return writes;
}

const kube = new KubeClient({ server: 'https://127.0.0.1:1', namespace: 'ns', user: 't' });

test("when the agent cannot be reached, the tail kept in the status is shown, with a note saying so", async () => {
  const s = session({ attachURL: `wss://127.0.0.1:${closedPort}/sessions/ns/s/attach`, certificateSHA256: 'ab'.repeat(32), outputTail: 'last line' });
  const { out, err } = await captured(() => printLogs(kube, s, 'secret', { portForward: false, log: () => {} }));
  assert.is(out, 'last line\n');
  assert.match(err, /note: could not get the logs from the agent \(cannot reach the agent: 127\.0\.0\.1:\d+ is not reachable from here \(ECONNREFUSED\)/);
  assert.not.match(err, /secret/);
});

test('without a tail to fall back on, the reason the agent was not reached is the error', async () => {
  const s = session({ attachURL: `wss://127.0.0.1:${closedPort}/sessions/ns/s/attach`, certificateSHA256: 'ab'.repeat(32) });
  try {
    await printLogs(kube, s, 'secret', { portForward: false, log: () => {} });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /cannot reach the agent/);
  }
});

test('a session that never started has nothing to show, and says so', () => {
  assert.throws(() => requireStarted(session(undefined)), /has not started \(phase Succeeded\); nothing to show yet/);
  assert.not.throws(() => requireStarted(session({ startedAt: '2026-03-01T10:00:00Z' })));
});

test.after(() => kube.close());

test.run();
