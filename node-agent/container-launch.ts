// Creating and starting one session's debug container: find the target and
// its pod's sandbox, make sure the image is there, create and attach; the
// start is a step of its own, since it may wait for the first client
// (start-policy.ts).
// Faults of the session (bad target, image, rejected container) become a
// SessionFailure; faults of the moment (API server or Docker unreachable)
// are thrown as they are, and the work queue retries.

import { Reason } from '../crds/conditions.ts';
import type { DebugSession } from '../crds/types.ts';
import { isNotFound, type KubeClient } from '../kube/client.ts';
import type { Pod } from '../kube/objects.ts';
import { debugContainerSpec } from './container-spec.ts';
import { DockerError, isDockerConflict } from './docker/engine-transport.ts';
import type { DockerEngine } from './docker/engine.ts';
import { ensureImage } from './docker/image-pull.ts';
import { SessionFailure } from './session-failure.ts';
import { pickSandbox, sandboxLabels, targetContainerID } from './target-container.ts';
import type { SessionTerminal } from './terminal/session-terminal.ts';

export interface LaunchDeps {
  node: string;
  kube: KubeClient;
  docker: DockerEngine;
  defaultImage: string;
  pullTimeoutMs: number;
}

export interface LaunchHooks {
  /** Called before a pull, which may take long, so status can say so. */
  onPull(image: string): Promise<void>;
  /** Called as Docker starts creating the container, which runs alongside; the launch waits for both. */
  onCreating(): Promise<void>;
  /** The terminal for the created container; it attaches before the start, so the agent misses no output. */
  terminalFor(containerID: string): SessionTerminal;
  /** A container was created and must be removed if the launch fails later. */
  onCreated(containerID: string): void;
}

/** Creates the container and attaches the agent to it; returns its ID. */
export async function createContainer(d: LaunchDeps, session: DebugSession, hooks: LaunchHooks): Promise<string> {
  const target = session.status!.target!;
  const namespace = session.metadata.namespace!;
  let pod: Pod;
  try {
    pod = await d.kube.request<Pod>('GET', `/api/v1/namespaces/${namespace}/pods/${target.pod}`);
  } catch (err) {
    if (isNotFound(err)) throw new SessionFailure(Reason.ContainerFailed, `target pod "${target.pod}" no longer exists`);
    throw err;
  }
  const targetID = targetContainerID(pod, target);
  const sandboxID = pickSandbox(await d.docker.listContainers(sandboxLabels(target.podUID)), target.pod);
  const image = session.spec.image || d.defaultImage;
  await ensureImage(d.docker, image, session.spec.imagePullPolicy ?? 'IfNotPresent', d.pullTimeoutMs, () => hooks.onPull(image));

  const { name, spec } = debugContainerSpec({ session, node: d.node, targetContainerID: targetID, sandboxID, image });
  // Caught here and rethrown below: a failed create must not leave it rejected unhandled.
  const announced = hooks.onCreating().then(() => undefined, (err: unknown) => ({ err }));
  const id = await rejectedAsFailure('creating the debug container', () => d.docker.create(name, spec));
  hooks.onCreated(id);
  await hooks.terminalFor(id).attach();
  const failed = await announced;
  if (failed) throw failed.err;
  return id;
}

/** Starting is where Docker runs the command: a command that does not exist fails here. */
export function startContainer(docker: DockerEngine, id: string): Promise<void> {
  return rejectedAsFailure('starting the debug container', () => docker.start(id));
}

/**
 * Docker refusing the container (a bad option, the target gone, the runtime
 * failing to exec the command) is the session's fault; a name conflict means
 * a container of this session exists after all, which the next reconcile adopts.
 */
async function rejectedAsFailure<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DockerError && !isDockerConflict(err)) throw new SessionFailure(Reason.ContainerFailed, `${what} failed: ${err.message}`);
    throw err;
  }
}
