import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DebugSession } from '../crds/types.ts';
import {
  agentStatusOf, creatingStatus, exitedStatus, failedStatus, heldStatus, readyOf, removedStatus, runningStatus, sameAgentStatus, unstartedRemovedStatus,
  type AgentStatus,
} from './agent-status.ts';

const t0 = new Date('2026-03-01T10:00:00Z');
const t1 = new Date('2026-03-01T10:01:00Z');
const session: DebugSession = {
  apiVersion: 'debug.kubectl-debug.dev/v1alpha1',
  kind: 'DebugSession',
  metadata: { name: 'dbg', namespace: 'ns', uid: 'u', generation: 3 },
  spec: { target: { pod: 'web' } },
  status: {
    phase: 'Assigned',
    conditions: [{ type: 'Assigned', status: 'True', reason: 'AgentAssigned', message: '', lastTransitionTime: t0.toISOString() }],
  },
};
const container = { containerID: 'abcdef0123456789', image: 'tools:1', startedAt: t0.toISOString() };
const endpoint = { attachURL: 'wss://127.0.0.1:10027/sessions/ns/dbg/attach', certificateSHA256: 'f'.repeat(64) };
const terminal = { attachedClients: 1, lastActivityAt: t1.toISOString(), recordingBytes: 120 };

test("the agent's part leaves out the operator's conditions and fields", () => {
  const part = agentStatusOf(session.status);
  assert.equal(part, { runtime: {}, conditions: [] });
});

test('while the container is created the endpoint is out already, with Ready=False', () => {
  const s = creatingStatus(session, agentStatusOf(session.status), endpoint, t1);
  assert.equal(s.runtime, { attachURL: endpoint.attachURL, certificateSHA256: endpoint.certificateSHA256 });
  assert.equal(readyOf(s), {
    type: 'Ready', status: 'False', reason: 'CreatingContainer', message: 'creating the debug container',
    observedGeneration: 3, lastTransitionTime: t1.toISOString(),
  });
});

test('a running container is Ready=True with everything a client needs to attach', () => {
  const s = runningStatus(session, agentStatusOf(session.status), container, terminal, endpoint, t1);
  assert.is(s.runtime.attachURL, endpoint.attachURL);
  assert.is(s.runtime.certificateSHA256, endpoint.certificateSHA256);
  assert.is(s.runtime.containerID, container.containerID);
  assert.is(s.runtime.attachedClients, 1);
  assert.is(s.runtime.containerRemoved, false);
  assert.equal(readyOf(s), {
    type: 'Ready', status: 'True', reason: 'ContainerRunning', message: 'debug container abcdef012345 is running',
    observedGeneration: 3, lastTransitionTime: t1.toISOString(),
  });
});

test('a container held for its first client is Ready=True without startedAt, so clients connect and the operator keeps Assigned', () => {
  const created = { containerID: container.containerID, image: container.image };
  const startBy = new Date('2026-03-01T10:01:00Z');
  const held = heldStatus(session, agentStatusOf(session.status), created, endpoint, startBy, t0);
  assert.is(held.runtime.attachURL, endpoint.attachURL);
  assert.is(held.runtime.certificateSHA256, endpoint.certificateSHA256);
  assert.is(held.runtime.containerID, container.containerID);
  assert.is(held.runtime.startedAt, undefined);
  assert.equal([readyOf(held)!.status, readyOf(held)!.reason], ['True', 'WaitingForClient']);
  assert.match(readyOf(held)!.message, '2026-03-01T10:01:00.000Z');
  assert.ok(sameAgentStatus(held, heldStatus(session, held, created, endpoint, startBy, t1)), 'nothing new to write while it waits');
  const running = runningStatus(session, held, container, terminal, endpoint, t1);
  assert.is(running.runtime.startedAt, container.startedAt);
  assert.equal([readyOf(running)!.reason, readyOf(running)!.lastTransitionTime], ['ContainerRunning', t0.toISOString()]);
});

test("a held container removed when the session ended is Ready=False with the operator's reason, not a failure", () => {
  const held = heldStatus(session, agentStatusOf(undefined), container, endpoint, t1, t0);
  const finished = { type: 'Finished', status: 'True' as const, reason: 'DeadlineExceeded', message: '', lastTransitionTime: t1.toISOString() };
  const ended = { ...session, status: { ...session.status, conditions: [...session.status!.conditions!, finished] } };
  const removed = unstartedRemovedStatus(ended, held, t1);
  assert.equal([readyOf(removed)!.status, readyOf(removed)!.reason], ['False', 'DeadlineExceeded']);
  assert.is(removed.runtime.containerRemoved, true);
  assert.is(readyOf(unstartedRemovedStatus(session, held, t1))!.reason, 'Deleted', 'deleted before the operator wrote Finished');
});

test('an exit with code 0 is Completed and one with another code is NonZeroExitCode', () => {
  const running = runningStatus(session, agentStatusOf(undefined), container, terminal, endpoint, t0);
  const ok = exitedStatus(session, running, { ...container, exitCode: 0, finishedAt: t1.toISOString() }, { attachedClients: 0, outputTail: 'done\n' }, endpoint, t1);
  assert.is(readyOf(ok)!.reason, 'Completed');
  assert.is(ok.runtime.exitCode, 0);
  assert.is(ok.runtime.outputTail, 'done\n');
  assert.is(ok.runtime.attachedClients, 0);
  assert.is(ok.runtime.attachURL, endpoint.attachURL);
  const fast = exitedStatus(session, agentStatusOf(undefined), { ...container, exitCode: 0 }, { attachedClients: 0 }, endpoint, t1);
  assert.is(fast.runtime.attachURL, endpoint.attachURL, 'a command that ended before its first report still names the endpoint');
  const bad = exitedStatus(session, running, { ...container, exitCode: 3 }, { attachedClients: 0 }, endpoint, t1);
  assert.is(readyOf(bad)!.reason, 'NonZeroExitCode');
  assert.match(readyOf(bad)!.message, /code 3/);
  assert.is(bad.runtime.finishedAt, t1.toISOString());
});

test('removal after an exit keeps the exit and says the container is gone', () => {
  const running = runningStatus(session, agentStatusOf(undefined), container, terminal, endpoint, t0);
  const exited = exitedStatus(session, running, { ...container, exitCode: 0 }, { attachedClients: 0 }, endpoint, t1);
  const removed = removedStatus(session, exited, t1);
  assert.is(removed.runtime.containerRemoved, true);
  assert.is(removed.runtime.exitCode, 0);
  assert.equal(removed.conditions, exited.conditions);
});

test('a container that vanished while running fails the session', () => {
  const running = runningStatus(session, agentStatusOf(undefined), container, terminal, endpoint, t0);
  const removed = removedStatus(session, running, t1);
  assert.is(readyOf(removed)!.reason, 'ContainerFailed');
  assert.is(removed.runtime.containerRemoved, true);
});

test('a failure is Ready=False with its reason and message', () => {
  const failed = failedStatus(session, agentStatusOf(undefined), { reason: 'ImagePullFailed', message: 'no such image' }, t0);
  assert.equal([readyOf(failed)!.status, readyOf(failed)!.reason, readyOf(failed)!.message], ['False', 'ImagePullFailed', 'no such image']);
  assert.is(failed.runtime.containerRemoved, true);
});

test('statuses that differ only in key order or absent fields are the same', () => {
  const a: AgentStatus = { runtime: { containerID: 'x', image: 'y' }, conditions: [] };
  const b: AgentStatus = { conditions: [], runtime: { image: 'y', containerID: 'x', exitCode: undefined } };
  assert.ok(sameAgentStatus(a, b));
  assert.not.ok(sameAgentStatus(a, { ...a, runtime: { ...a.runtime, attachedClients: 1 } }));
});

test('recomputing a running status at a later time changes nothing, so nothing is written', () => {
  const first = runningStatus(session, agentStatusOf(undefined), container, terminal, endpoint, t0);
  const again = runningStatus(session, first, container, terminal, endpoint, t1);
  assert.ok(sameAgentStatus(first, again));
});

test.run();
