// Where a session stands, from the client's side: keep waiting, attach now,
// give up with the operator's words, or read the output of a command that
// finished before we got there. Pure, so every phase is tested without a cluster.

import { ConditionType, Reason } from '../crds/conditions.ts';
import type { Condition, DebugSession } from '../crds/types.ts';

export type Readiness =
  | { kind: 'waiting'; text: string }
  | { kind: 'ready'; attachURL: string; certificateSHA256: string }
  | { kind: 'failed'; message: string }
  /** The command already ended; its output is in the agent's output log, its exit code here. */
  | { kind: 'finished'; exitCode: number };

const condition = (s: DebugSession, type: string): Condition | undefined => s.status?.conditions?.find((c) => c.type === type);

export function readiness(session: DebugSession): Readiness {
  const status = session.status ?? {};
  const runtime = status.runtime ?? {};
  // A short command can end before the client gets to attach. Its exit is not
  // a failure of the session, even though the operator calls a non-zero one Failed.
  if (runtime.exitCode !== undefined) {
    return { kind: 'finished', exitCode: runtime.exitCode };
  }
  if (status.phase === 'Failed') return { kind: 'failed', message: failureMessage(session) };
  const ready = condition(session, ConditionType.Ready);
  // While Docker creates the container the agent already holds a connecting client (Reason.CreatingContainer).
  const attachable = ready?.status === 'True' || ready?.reason === Reason.CreatingContainer;
  if (attachable && runtime.attachURL && runtime.certificateSHA256) {
    return { kind: 'ready', attachURL: runtime.attachURL, certificateSHA256: runtime.certificateSHA256 };
  }
  if (status.phase === 'Succeeded') return { kind: 'finished', exitCode: 0 };
  return { kind: 'waiting', text: waitingText(session) };
}

/** The operator's reason and message, verbatim: they name the pod, the node or the image. */
export function failureMessage(session: DebugSession): string {
  const finished = condition(session, ConditionType.Finished);
  const reason = finished?.reason;
  const message = finished?.message || session.status?.message;
  if (reason && message) return `${reason}: ${message}`;
  return message || reason || 'the debug session failed';
}

/** One short line: the phase and what the newest not-yet-true condition says. */
export function waitingText(session: DebugSession): string {
  const phase = session.status?.phase ?? 'Pending';
  const pending = (session.status?.conditions ?? [])
    .filter((c) => c.status !== 'True')
    .sort((a, b) => (b.lastTransitionTime ?? '').localeCompare(a.lastTransitionTime ?? ''))[0];
  if (!pending) return phase;
  return pending.message ? `${phase}: ${pending.reason}: ${pending.message}` : `${phase}: ${pending.reason}`;
}
