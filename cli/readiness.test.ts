import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Condition, DebugSession, DebugSessionStatus } from '../crds/types.ts';
import { readiness } from './readiness.ts';

const cond = (type: string, status: Condition['status'], reason: string, message = '', at = '2026-03-01T10:00:00Z'): Condition =>
  ({ type, status, reason, message, lastTransitionTime: at });

const session = (status?: DebugSessionStatus): DebugSession => ({
  apiVersion: 'debug.kubectl-debug.dev/v1alpha1',
  kind: 'DebugSession',
  metadata: { name: 'web-debug-x', namespace: 'shop' },
  spec: { target: { pod: 'web' } },
  status,
});

const runtime = { attachURL: 'wss://127.0.0.1:10027/sessions/shop/web-debug-x/attach', certificateSHA256: 'ab'.repeat(32) };

test('a new session is waiting in Pending', () => {
  assert.equal(readiness(session()), { kind: 'waiting', text: 'Pending' });
});

test('while waiting the newest unmet condition is shown', () => {
  const s = session({
    phase: 'Assigned',
    conditions: [
      cond('Assigned', 'True', 'AgentAssigned'),
      cond('Ready', 'False', 'Starting', 'pulling image busybox', '2026-03-01T10:00:05Z'),
    ],
  });
  assert.equal(readiness(s), { kind: 'waiting', text: 'Assigned: Starting: pulling image busybox' });
});

test('Ready=True with an attach URL and certificate means attach now', () => {
  const s = session({ phase: 'Assigned', runtime, conditions: [cond('Ready', 'True', 'ContainerRunning')] });
  assert.equal(readiness(s), { kind: 'ready', ...runtime });
});

test('Ready=True without the certificate is not enough: nothing to pin', () => {
  const s = session({ phase: 'Running', runtime: { attachURL: runtime.attachURL }, conditions: [cond('Ready', 'True', 'ContainerRunning')] });
  assert.is(readiness(s).kind, 'waiting');
});

test("a Failed session gives the operator's reason and message verbatim", () => {
  const s = session({
    phase: 'Failed',
    message: 'pod "web" not found',
    conditions: [cond('Finished', 'True', 'PodNotFound', 'pod "web" not found in namespace shop')],
  });
  assert.equal(readiness(s), { kind: 'failed', message: 'PodNotFound: pod "web" not found in namespace shop' });
});

test('a Failed session without conditions still has its status message', () => {
  assert.equal(readiness(session({ phase: 'Failed', message: 'image not found' })), { kind: 'failed', message: 'image not found' });
});

test('a container held for its first client is ready: its command starts when the client attaches', () => {
  const held = cond('Ready', 'True', 'WaitingForClient', 'debug container abc starts when the first client attaches, at the latest at ...');
  assert.equal(readiness(session({ phase: 'Assigned', runtime, conditions: [held] })), { kind: 'ready', ...runtime });
});

test('a container being created with its endpoint published is ready: the agent holds the client until it exists', () => {
  const creating = cond('Ready', 'False', 'CreatingContainer', 'creating the debug container');
  assert.equal(readiness(session({ phase: 'Assigned', runtime, conditions: [creating] })), { kind: 'ready', ...runtime });
  assert.is(readiness(session({ phase: 'Assigned', conditions: [creating] })).kind, 'waiting');
});

test('a command that exited before we attached is finished with its exit code, even when the operator calls it Failed', () => {
  const s = session({
    phase: 'Failed',
    runtime: { ...runtime, exitCode: 3 },
    conditions: [cond('Finished', 'True', 'NonZeroExitCode', 'command exited with code 3')],
  });
  assert.equal(readiness(s), { kind: 'finished', exitCode: 3 });
});

test('a Succeeded session with no runtime left is finished with 0', () => {
  assert.equal(readiness(session({ phase: 'Succeeded' })), { kind: 'finished', exitCode: 0 });
});

test.run();
