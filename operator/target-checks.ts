// Pure checks of a target pod, and the rule that picks one pod for selector
// and workload targets. Each verdict carries a reason and a message a user
// understands, because they end up verbatim in the session's status.

import { Reason, type ReasonName } from '../crds/conditions.ts';
import type { ResolvedTarget } from '../crds/types.ts';
import type { ContainerState, Pod } from '../kube/objects.ts';

export type Verdict =
  | { kind: 'ok'; target: ResolvedTarget }
  /** Not yet: the caller waits, up to a bound. */
  | { kind: 'wait'; reason: ReasonName; message: string }
  | { kind: 'fail'; reason: ReasonName; message: string };

export const SUPPORTED_RUNTIME = 'docker';

export function checkTargetPod(pod: Pod | undefined, podName: string, wantedContainer: string | undefined): Verdict {
  if (!pod || pod.metadata.deletionTimestamp) {
    return { kind: 'fail', reason: Reason.PodNotFound, message: `pod "${podName}" not found in this namespace` };
  }
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    return { kind: 'fail', reason: Reason.PodFinished, message: `pod "${podName}" has finished (phase ${phase}); only running pods can be debugged` };
  }
  if (!pod.spec.nodeName) {
    return { kind: 'wait', reason: Reason.PodNotScheduled, message: `pod "${podName}" is not scheduled to a node yet` };
  }
  const names = pod.spec.containers.map((c) => c.name);
  const container = wantedContainer ?? names[0]!;
  if (!names.includes(container)) {
    return { kind: 'fail', reason: Reason.ContainerNotFound, message: `container "${container}" not found in pod "${podName}"; its containers are: ${names.join(', ')}` };
  }
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  if (!status?.state?.running) {
    const verdict = phase === 'Pending' ? 'wait' : 'fail';
    return { kind: verdict, reason: Reason.ContainerNotRunning, message: `container "${container}" of pod "${podName}" is not running: ${describeState(status?.state)}` };
  }
  const runtime = status.containerID?.split('://')[0] ?? 'unknown';
  if (runtime !== SUPPORTED_RUNTIME) {
    return { kind: 'fail', reason: Reason.UnsupportedRuntime, message: `container "${container}" runs on "${runtime}"; the node agent supports ${SUPPORTED_RUNTIME} only` };
  }
  if (!pod.status?.hostIP) {
    return { kind: 'wait', reason: Reason.PodNotScheduled, message: `pod "${podName}" has no host IP yet` };
  }
  return {
    kind: 'ok',
    target: { pod: podName, podUID: pod.metadata.uid!, container, nodeName: pod.spec.nodeName, hostIP: pod.status.hostIP },
  };
}

function describeState(state: ContainerState | undefined): string {
  if (state?.waiting) return `waiting (${state.waiting.reason ?? 'unknown reason'})`;
  if (state?.terminated) return `terminated (${state.terminated.reason ?? 'exit code ' + state.terminated.exitCode})`;
  return 'no status reported yet';
}

/**
 * The pod a selector or workload target debugs: among running, undeleted
 * pods, the one that started first, ties broken by name. Oldest first because
 * it is the one most likely to keep running while someone debugs it.
 */
export function pickPod(candidates: Pod[]): Pod | undefined {
  return candidates
    .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
    .sort((a, b) => {
      const byStart = (a.status?.startTime ?? '').localeCompare(b.status?.startTime ?? '');
      return byStart !== 0 ? byStart : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
    })[0];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector): boolean {
  const l = labels ?? {};
  const empty = !selector.matchLabels && !selector.matchExpressions?.length;
  if (empty) return false; // an empty selector would match every pod: never what a debug target means
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in l;
    const inValues = has && (e.values ?? []).includes(l[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
