// The operator's whole judgement, as pure functions of what it observed:
// which pod, which agent, which phase, when to look again. No I/O here, so
// every rule is a unit test with a fixed clock (decide.test.ts).

import { AGENT_FAILURE_REASONS, ConditionType, Reason, type ReasonName } from '../crds/conditions.ts';
import { findCondition, setCondition } from '../crds/condition-set.ts';
import type { DebugSession, DebugSessionStatus, Phase } from '../crds/types.ts';
import { AGENT_ENDPOINT_ANNOTATION } from '../kube/agent-lease.ts';
import { leaseExpiredAt, leaseHeld, type Lease, type Pod } from '../kube/objects.ts';
import { checkTargetPod, matchesSelector, pickPod, type LabelSelector, type Verdict } from './target-checks.ts';

export interface Limits {
  /** How long a session may wait for its pod to be scheduled and running, or for a selector to match. */
  targetWaitMs: number;
  /** How long a new session may wait for a healthy agent on the pod's node. */
  agentWaitMs: number;
  /** How long after an agent stopped renewing its Lease its sessions are declared lost. */
  agentLostMs: number;
  /** How long deletion waits for a live agent to confirm clean-up before the finalizer goes anyway. */
  finalizerGraceMs: number;
}

export const DEFAULT_LIMITS: Limits = { targetWaitMs: 120_000, agentWaitMs: 60_000, agentLostMs: 60_000, finalizerGraceMs: 120_000 };

export interface Observed {
  session: DebugSession;
  now: Date;
  /** Pods of the session's namespace. */
  pods: Pod[];
  /** For a workload target: its pod selector, or null when the workload does not exist. */
  workloadSelector?: LabelSelector | null;
  agentLease: (node: string) => Lease | undefined;
  limits: Limits;
}

/** The part of status the operator owns (docs/architecture.md). */
export type OperatorStatus = Pick<DebugSessionStatus, 'phase' | 'message' | 'conditions' | 'target' | 'agent' | 'startTime' | 'completionTime'>;

export interface Decision {
  status: OperatorStatus;
  /** Node whose agent should see the session. */
  nodeLabel?: string;
  requeueAfterMs?: number;
}

const OPERATOR_CONDITIONS: string[] = [ConditionType.Assigned, ConditionType.Finished];

export function operatorStatusOf(status: DebugSessionStatus | undefined): OperatorStatus {
  const s = status ?? {};
  return {
    phase: s.phase, message: s.message, target: s.target, agent: s.agent,
    startTime: s.startTime, completionTime: s.completionTime,
    conditions: s.conditions?.filter((c) => OPERATOR_CONDITIONS.includes(c.type)),
  };
}

/**
 * Never throws: a session the rules cannot make sense of (written against an
 * older schema, say) ends as Failed/InvalidSpec instead of failing the
 * reconcile loop forever.
 */
export function decide(o: Observed): Decision {
  try {
    return decideOrThrow(o);
  } catch (err) {
    const base = { ...operatorStatusOf(o.session.status), startTime: o.session.status?.startTime ?? o.now.toISOString() };
    return finish(o, base, 'Failed', Reason.InvalidSpec, `the operator cannot interpret this session: ${(err as Error).message}`);
  }
}

function decideOrThrow(o: Observed): Decision {
  const { session, now } = o;
  const current = operatorStatusOf(session.status);
  const base: OperatorStatus = { ...current, phase: current.phase ?? 'Pending', startTime: current.startTime ?? now.toISOString() };
  if (base.phase === 'Succeeded' || base.phase === 'Failed') return { status: base, nodeLabel: base.target?.nodeName };

  const deadlineAt = Date.parse(session.metadata.creationTimestamp ?? now.toISOString()) + (session.spec.activeDeadlineSeconds ?? 3600) * 1000;
  if (now.getTime() >= deadlineAt) {
    return finish(o, base, 'Failed', Reason.DeadlineExceeded, `session reached its deadline of ${session.spec.activeDeadlineSeconds ?? 3600}s`);
  }
  const decision = base.target ? follow(o, base) : assign(o, base);
  const untilDeadline = deadlineAt - now.getTime();
  if (decision.status.phase === 'Succeeded' || decision.status.phase === 'Failed') return decision;
  return { ...decision, requeueAfterMs: Math.min(decision.requeueAfterMs ?? untilDeadline, untilDeadline) };
}

/**
 * Whether a decision may (re-)resolve the target, so that a workload target
 * needs its workload's selector observed: until the debug container exists,
 * a pod that goes away is replaced by another (see follow), not only before
 * the first assignment.
 */
export function mayResolveTarget(session: DebugSession): boolean {
  const { phase, runtime } = session.status ?? {};
  return phase !== 'Succeeded' && phase !== 'Failed' && !runtime?.containerID && !session.spec.target.pod;
}

function condition(o: Observed, list: OperatorStatus['conditions'], type: string, status: 'True' | 'False', reason: ReasonName, message: string) {
  return setCondition(list, { type, status, reason, message, observedGeneration: o.session.metadata.generation }, o.now);
}

function finish(o: Observed, base: OperatorStatus, phase: Phase, reason: ReasonName, message: string): Decision {
  return {
    status: {
      ...base, phase, message, completionTime: o.now.toISOString(),
      conditions: condition(o, base.conditions, ConditionType.Finished, 'True', reason, message),
    },
    nodeLabel: base.target?.nodeName,
  };
}

function age(o: Observed): number {
  return o.now.getTime() - Date.parse(o.session.metadata.creationTimestamp ?? o.now.toISOString());
}

/** Waits with a condition saying why, or fails once the bound has passed. */
function waitOrFail(o: Observed, base: OperatorStatus, reason: ReasonName, message: string, boundMs: number, failReason = reason): Decision {
  const waited = age(o);
  if (waited >= boundMs) return finish(o, base, 'Failed', failReason, `${message} (gave up after ${Math.round(boundMs / 1000)}s)`);
  return {
    status: { ...base, phase: 'Pending', message, conditions: condition(o, base.conditions, ConditionType.Assigned, 'False', reason, message) },
    requeueAfterMs: Math.min(boundMs - waited, 5_000),
  };
}

function resolvePod(o: Observed): Verdict {
  const { target } = o.session.spec;
  if (target.pod) return checkTargetPod(o.pods.find((p) => p.metadata.name === target.pod), target.pod, target.container);
  let selector: LabelSelector | null | undefined = target.selector;
  let what = `selector ${Object.entries(target.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`;
  if (target.workload) {
    what = `${target.workload.kind} "${target.workload.name}"`;
    selector = o.workloadSelector;
    if (!selector) return { kind: 'wait', reason: Reason.NoMatchingPod, message: `${what} not found in this namespace` };
  }
  const pod = pickPod(o.pods.filter((p) => matchesSelector(p.metadata.labels, selector!)));
  if (!pod) return { kind: 'wait', reason: Reason.NoMatchingPod, message: `no running pod matches ${what}` };
  return checkTargetPod(pod, pod.metadata.name!, target.container);
}

function assign(o: Observed, base: OperatorStatus): Decision {
  const verdict = resolvePod(o);
  if (verdict.kind === 'fail') return finish(o, base, 'Failed', verdict.reason, verdict.message);
  if (verdict.kind === 'wait') return waitOrFail(o, base, verdict.reason, verdict.message, o.limits.targetWaitMs);
  const { target } = verdict;
  const lease = o.agentLease(target.nodeName);
  if (!leaseHeld(lease, o.now)) {
    return waitOrFail(o, base, Reason.WaitingForAgent, `no healthy kubectl-debug agent on node ${target.nodeName}`, o.limits.agentWaitMs, Reason.AgentUnavailable);
  }
  // Names the pod: a re-resolution (follow) changes it, and the message says so.
  const message = `pod ${target.pod} assigned to the agent on node ${target.nodeName}`;
  return {
    status: {
      ...base, phase: 'Assigned', message, target,
      agent: { name: lease!.spec.holderIdentity!, endpoint: lease!.metadata.annotations?.[AGENT_ENDPOINT_ANNOTATION] ?? '' },
      conditions: condition(o, base.conditions, ConditionType.Assigned, 'True', Reason.AgentAssigned, message),
    },
    nodeLabel: target.nodeName,
  };
}

function follow(o: Observed, base: OperatorStatus): Decision {
  const { session, now } = o;
  const target = base.target!;
  const runtime = session.status?.runtime ?? {};
  const ready = findCondition(session.status?.conditions, ConditionType.Ready);
  const keep = { nodeLabel: target.nodeName };

  if (runtime.exitCode !== undefined) {
    return runtime.exitCode === 0
      ? finish(o, base, 'Succeeded', Reason.Completed, 'command exited with code 0')
      : finish(o, base, 'Failed', Reason.NonZeroExitCode, `command exited with code ${runtime.exitCode}`);
  }
  if (ready?.status === 'False' && AGENT_FAILURE_REASONS.includes(ready.reason)) {
    return finish(o, base, 'Failed', ready.reason as ReasonName, ready.message);
  }

  const pod = o.pods.find((p) => p.metadata.uid === target.podUID && !p.metadata.deletionTimestamp);
  if (!pod) {
    // Before anything started, a selector or workload target simply picks another pod.
    if (!runtime.containerID && !session.spec.target.pod) {
      return assign(o, { ...base, target: undefined, agent: undefined });
    }
    return finish(o, base, 'Failed', Reason.TargetGone, `target pod "${target.pod}" was deleted`);
  }

  const lease = o.agentLease(target.nodeName);
  if (!leaseHeld(lease, now)) {
    const assignedAt = Date.parse(findCondition(base.conditions, ConditionType.Assigned)?.lastTransitionTime ?? now.toISOString());
    const lostSince = leaseExpiredAt(lease, now)?.getTime() ?? assignedAt;
    const lostFor = now.getTime() - lostSince;
    if (lostFor >= o.limits.agentLostMs) {
      return finish(o, base, 'Failed', Reason.AgentLost, `the agent on node ${target.nodeName} stopped renewing its lease at ${new Date(lostSince).toISOString()}`);
    }
    return { status: { ...base, message: `the agent on node ${target.nodeName} is not renewing its lease` }, ...keep, requeueAfterMs: o.limits.agentLostMs - lostFor };
  }

  if (runtime.startedAt && ready?.status === 'True') {
    const running: OperatorStatus = { ...base, phase: 'Running', message: 'debug container is running' };
    if (!session.spec.stdin || (runtime.attachedClients ?? 0) > 0) return { status: running, ...keep };
    // A shell declared in Git waits for its first client until the deadline;
    // one created with an attach grant (the CLI's) has a client on its way,
    // so its idle clock runs from the start: a CLI killed before it attached
    // leaves nothing behind for long.
    if (!runtime.lastActivityAt && !session.spec.attach) return { status: running, ...keep };
    // Idle counts from the later of start and the last detach.
    const idleSince = Math.max(Date.parse(runtime.startedAt), Date.parse(runtime.lastActivityAt ?? runtime.startedAt));
    const idleMs = (session.spec.idleTimeoutSeconds ?? 900) * 1000;
    const idleLeft = idleSince + idleMs - now.getTime();
    if (idleLeft <= 0) return finish(o, running, 'Failed', Reason.IdleTimeout, `no client attached for ${session.spec.idleTimeoutSeconds ?? 900}s`);
    return { status: running, ...keep, requeueAfterMs: idleLeft };
  }
  return { status: base, ...keep };
}

export interface DeletionDecision {
  removeFinalizer: boolean;
  /** Said in a Warning Event when the finalizer goes without the agent's word. */
  warning?: string;
  requeueAfterMs?: number;
}

/** A deleted session keeps its finalizer until the agent confirms the container is gone, within a bound. */
export function decideDeletion(o: Observed): DeletionDecision {
  const status = o.session.status ?? {};
  if (!status.agent || status.runtime?.containerRemoved) return { removeFinalizer: true };
  const node = status.target?.nodeName ?? '';
  const alive = leaseHeld(o.agentLease(node), o.now);
  const bound = alive ? o.limits.finalizerGraceMs : o.limits.agentLostMs;
  const waited = o.now.getTime() - Date.parse(o.session.metadata.deletionTimestamp ?? o.now.toISOString());
  if (waited >= bound) {
    return {
      removeFinalizer: true,
      warning: `${alive ? 'the agent did not confirm' : 'no live agent could confirm'} removal of the debug container on node ${node} within ${Math.round(bound / 1000)}s; the agent's sweep removes it when it runs again`,
    };
  }
  return { removeFinalizer: false, requeueAfterMs: bound - waited };
}
