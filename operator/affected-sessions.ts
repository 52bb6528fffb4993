// Pods and agent Leases matter to the operator only through the sessions
// that refer to them. A session not yet placed (status.target unset) may
// still pick any pod of its namespace and wait for any agent; once placed,
// only its own pod and its node's agent can change its course. Finished
// sessions count only while deleted and held by the finalizer.

import type { DebugSession } from '../crds/types.ts';

const open = (s: DebugSession) => !['Succeeded', 'Failed'].includes(s.status?.phase ?? '') || !!s.metadata.deletionTimestamp;

/** The sessions a change to the pod `namespace/name` can affect. */
export function affectedByPod(sessions: DebugSession[], podKey: string): DebugSession[] {
  const slash = podKey.indexOf('/');
  const namespace = podKey.slice(0, slash);
  const pod = podKey.slice(slash + 1);
  return sessions.filter((s) => s.metadata.namespace === namespace && open(s) && (!s.status?.target || s.status.target.pod === pod));
}

/** The sessions a change to the agent of `node` can affect. */
export function affectedByAgent(sessions: DebugSession[], node: string): DebugSession[] {
  return sessions.filter((s) => open(s) && (!s.status?.target || s.status.target.nodeName === node));
}
