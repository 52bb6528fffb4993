// Whether and how to pull the debug image, following the session's
// imagePullPolicy the way the kubelet does for pod images.

import { Reason } from '../../crds/conditions.ts';
import type { PullPolicy } from '../../crds/types.ts';
import { SessionFailure } from '../session-failure.ts';
import type { DockerEngine } from './engine.ts';

export type PullDecision = { kind: 'use' } | { kind: 'pull' } | { kind: 'fail'; message: string };

export function pullDecision(image: string, policy: PullPolicy, present: boolean): PullDecision {
  if (policy === 'Always') return { kind: 'pull' };
  if (present) return { kind: 'use' };
  if (policy === 'Never') return { kind: 'fail', message: `image ${image} is not present on the node and imagePullPolicy is Never` };
  return { kind: 'pull' };
}

/**
 * Splits a reference into Docker's fromImage and tag. Without a tag Docker
 * would pull every tag of the repository, so `latest` is made explicit, as
 * the docker CLI does. A colon before the last slash belongs to a registry
 * port (`host:5000/tools`), not to a tag.
 */
export function pullReference(image: string): { fromImage: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { fromImage: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: 'latest' };
}

/** Makes sure the image is on the node; a pull that cannot succeed ends the session with the daemon's message. */
export async function ensureImage(
  docker: DockerEngine, image: string, policy: PullPolicy, timeoutMs: number, onPull: () => Promise<void>,
): Promise<void> {
  const decision = pullDecision(image, policy, await docker.imageExists(image));
  if (decision.kind === 'use') return;
  if (decision.kind === 'fail') throw new SessionFailure(Reason.ImagePullFailed, decision.message);
  await onPull();
  const { fromImage, tag } = pullReference(image);
  try {
    await docker.pull(fromImage, tag, timeoutMs);
  } catch (err) {
    throw new SessionFailure(Reason.ImagePullFailed, `pulling image ${image} failed: ${(err as Error).message}`);
  }
}
