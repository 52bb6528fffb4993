// Which Docker containers the debug container joins: the target container,
// found through the pod's status, and the pod's sandbox, found through the
// labels cri-dockerd (and the kubelet's dockershim before it) puts on it.

import { Reason } from '../crds/conditions.ts';
import type { ResolvedTarget } from '../crds/types.ts';
import type { Pod } from '../kube/objects.ts';
import type { ContainerSummary } from './docker/engine.ts';
import { SessionFailure } from './session-failure.ts';

const DOCKER_PREFIX = 'docker://';

/** The Docker ID of the target container; a SessionFailure says why there is none. */
export function targetContainerID(pod: Pod, target: ResolvedTarget): string {
  const where = `container "${target.container}" of pod "${target.pod}"`;
  if (pod.metadata.uid !== target.podUID) {
    throw new SessionFailure(Reason.ContainerFailed, `pod "${target.pod}" was replaced since the session was assigned (uid ${target.podUID} is gone)`);
  }
  const status = pod.status?.containerStatuses?.find((c) => c.name === target.container);
  if (!status?.containerID) throw new SessionFailure(Reason.ContainerFailed, `${where} has no running container yet`);
  if (!status.containerID.startsWith(DOCKER_PREFIX)) {
    const runtime = status.containerID.split('://')[0] || 'unknown';
    throw new SessionFailure(
      Reason.UnsupportedRuntime,
      `${where} runs on container runtime "${runtime}"; this agent joins containers through Docker (docker:// IDs) only`,
    );
  }
  if (!status.state?.running) throw new SessionFailure(Reason.ContainerFailed, `${where} is not running`);
  return status.containerID.slice(DOCKER_PREFIX.length);
}

/** Labels of a pod's sandbox container, set by cri-dockerd. */
export const sandboxLabels = (podUID: string) => [`io.kubernetes.pod.uid=${podUID}`, 'io.kubernetes.docker.type=podsandbox'];

/** The running sandbox among the pod's sandboxes (earlier ones may linger, exited). */
export function pickSandbox(candidates: ContainerSummary[], pod: string): string {
  const running = candidates.find((c) => c.State === 'running');
  if (!running) throw new SessionFailure(Reason.ContainerFailed, `pod "${pod}" has no running sandbox container on this node`);
  return running.Id;
}
