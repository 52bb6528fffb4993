// A reason the debug container of one session cannot run, as opposed to a
// passing fault (Docker or the API server unreachable) that a retry fixes.
// The reconciler writes it as condition Ready=False and does not try again;
// the operator then ends the session as Failed with the same reason.

import { Reason } from '../crds/conditions.ts';

/** Agent-side reasons not (yet) in crds/conditions.ts. */
export const AgentReason = {
  /** The node already runs --max-sessions debug containers. */
  NodeAtCapacity: 'NodeAtCapacity',
} as const;

export type FailureReason =
  | typeof Reason.ImagePullFailed
  | typeof Reason.ContainerFailed
  | typeof Reason.UnsupportedRuntime
  | typeof AgentReason.NodeAtCapacity;

/** Ready=False reasons after which the agent never tries to start the container again. */
export const TERMINAL_READY_REASONS: readonly string[] = [
  Reason.ImagePullFailed, Reason.ContainerFailed, Reason.UnsupportedRuntime, AgentReason.NodeAtCapacity,
];

export class SessionFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'SessionFailure';
  }
}
