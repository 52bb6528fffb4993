// The part of a session's status the agent owns (docs/architecture.md):
// `runtime.*` and condition Ready. Pure functions from what the agent
// observed to that whole part, because server-side apply removes whatever
// the agent's field manager owned and leaves out.

import { ConditionType, Reason } from '../crds/conditions.ts';
import { findCondition, setCondition } from '../crds/condition-set.ts';
import type { Condition, DebugSession, DebugSessionStatus, RuntimeStatus } from '../crds/types.ts';

export interface AgentStatus {
  runtime: RuntimeStatus;
  /** Only Ready. */
  conditions: Condition[];
}

export interface ContainerFacts {
  containerID: string;
  image: string;
  startedAt?: string;
  /** Set once the container has exited. */
  exitCode?: number;
  finishedAt?: string;
}

/** What the agent's own attach stream knows about clients and output. */
export interface TerminalFacts {
  attachedClients: number;
  lastActivityAt?: string;
  outputTail?: string;
  recordingBytes?: number;
}

export interface AttachEndpoint {
  attachURL: string;
  certificateSHA256: string;
}

export interface ReadyInput {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export function agentStatusOf(status: DebugSessionStatus | undefined): AgentStatus {
  return {
    runtime: status?.runtime ?? {},
    conditions: (status?.conditions ?? []).filter((c) => c.type === ConditionType.Ready),
  };
}

export function readyOf(current: AgentStatus): Condition | undefined {
  return findCondition(current.conditions, ConditionType.Ready);
}

function build(session: DebugSession, current: AgentStatus, runtime: RuntimeStatus, ready: ReadyInput, now: Date): AgentStatus {
  const conditions = setCondition(current.conditions, { type: ConditionType.Ready, ...ready, observedGeneration: session.metadata.generation }, now);
  return { runtime, conditions };
}

const shortID = (id: string) => id.slice(0, 12);

/** Where the container is and how to reach it: the same in every status once it exists. */
function published(container: ContainerFacts, endpoint: AttachEndpoint): RuntimeStatus {
  return {
    containerID: container.containerID,
    image: container.image,
    attachURL: endpoint.attachURL,
    certificateSHA256: endpoint.certificateSHA256,
  };
}

/** What the terminal knows, keeping the last known value where it knows nothing new. */
function terminalFields(current: RuntimeStatus, terminal: TerminalFacts): RuntimeStatus {
  return {
    lastActivityAt: terminal.lastActivityAt ?? current.lastActivityAt,
    recordingBytes: terminal.recordingBytes ?? current.recordingBytes,
  };
}

export function startingStatus(session: DebugSession, current: AgentStatus, message: string, now: Date): AgentStatus {
  return build(session, current, current.runtime, { status: 'False', reason: Reason.Starting, message }, now);
}

/** Docker is creating the container; the endpoint is published already, and a client that connects now is held until it exists. */
export function creatingStatus(session: DebugSession, current: AgentStatus, endpoint: AttachEndpoint, now: Date): AgentStatus {
  const runtime: RuntimeStatus = { ...current.runtime, attachURL: endpoint.attachURL, certificateSHA256: endpoint.certificateSHA256 };
  return build(session, current, runtime, { status: 'False', reason: Reason.CreatingContainer, message: 'creating the debug container' }, now);
}

export function runningStatus(
  session: DebugSession, current: AgentStatus, container: ContainerFacts, terminal: TerminalFacts, endpoint: AttachEndpoint, now: Date,
): AgentStatus {
  const runtime: RuntimeStatus = {
    ...current.runtime,
    ...published(container, endpoint),
    startedAt: container.startedAt ?? current.runtime.startedAt,
    attachedClients: terminal.attachedClients,
    ...terminalFields(current.runtime, terminal),
    containerRemoved: false,
  };
  const ready = { status: 'True' as const, reason: Reason.ContainerRunning, message: `debug container ${shortID(container.containerID)} is running` };
  return build(session, current, runtime, ready, now);
}

/**
 * The container is created and the endpoint serves it, but its command
 * waits for the first client (start-policy.ts). Ready=True, because a client
 * may connect now; no startedAt, because nothing runs yet: the operator keeps
 * the phase at Assigned and counts no idle time until the start.
 */
export function heldStatus(
  session: DebugSession, current: AgentStatus, container: ContainerFacts, endpoint: AttachEndpoint, startBy: Date, now: Date,
): AgentStatus {
  const runtime: RuntimeStatus = {
    ...current.runtime,
    ...published(container, endpoint),
    attachedClients: 0,
    containerRemoved: false,
  };
  const message = `debug container ${shortID(container.containerID)} starts when the first client attaches, at the latest at ${startBy.toISOString()}`;
  return build(session, current, runtime, { status: 'True', reason: Reason.WaitingForClient, message }, now);
}

/**
 * A held container removed because the session ended (deadline, deletion)
 * before any client came: not a failure of the container, so Ready takes
 * the reason the operator ended the session with.
 */
export function unstartedRemovedStatus(session: DebugSession, current: AgentStatus, now: Date): AgentStatus {
  const runtime: RuntimeStatus = { ...current.runtime, attachedClients: 0, containerRemoved: true };
  const reason = findCondition(session.status?.conditions, ConditionType.Finished)?.reason ?? Reason.Deleted;
  const message = 'the session ended before its command started; the debug container was removed unstarted';
  return build(session, current, runtime, { status: 'False', reason, message }, now);
}

/** The endpoint stays in status after the exit: a late client still fetches the output, the logs and the recording there. */
export function exitedStatus(
  session: DebugSession, current: AgentStatus, container: ContainerFacts, terminal: TerminalFacts, endpoint: AttachEndpoint, now: Date,
): AgentStatus {
  const exitCode = container.exitCode ?? current.runtime.exitCode ?? -1;
  const runtime: RuntimeStatus = {
    ...current.runtime,
    ...published(container, endpoint),
    startedAt: container.startedAt ?? current.runtime.startedAt,
    exitCode,
    finishedAt: container.finishedAt ?? now.toISOString(),
    attachedClients: 0,
    ...terminalFields(current.runtime, terminal),
    outputTail: terminal.outputTail ?? current.runtime.outputTail,
  };
  const ready = exitCode === 0
    ? { status: 'False' as const, reason: Reason.Completed, message: 'command exited with code 0' }
    : { status: 'False' as const, reason: Reason.NonZeroExitCode, message: `command exited with code ${exitCode}` };
  return build(session, current, runtime, ready, now);
}

/**
 * The container is gone. If it vanished while the agent still believed it
 * running, that is a failure of the session, not a normal end.
 */
export function removedStatus(session: DebugSession, current: AgentStatus, now: Date): AgentStatus {
  const runtime: RuntimeStatus = { ...current.runtime, attachedClients: 0, containerRemoved: true };
  const ready = readyOf(current);
  if (ready?.status === 'True') {
    return build(session, current, runtime, { status: 'False', reason: Reason.ContainerFailed, message: 'the debug container disappeared from the node' }, now);
  }
  return { runtime, conditions: current.conditions };
}

export function failedStatus(session: DebugSession, current: AgentStatus, failure: { reason: string; message: string }, now: Date): AgentStatus {
  const runtime: RuntimeStatus = { ...current.runtime, attachedClients: 0, containerRemoved: true };
  return build(session, current, runtime, { status: 'False', reason: failure.reason, message: failure.message }, now);
}

/** Whether a write would change anything (key order and absent fields aside). */
export function sameAgentStatus(a: AgentStatus, b: AgentStatus): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}
