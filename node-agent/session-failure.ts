// A reason the debug container of one session cannot run, as opposed to a
// passing fault (Docker or the API server unreachable) that a retry fixes.
// The reconciler writes it as condition Ready=False and does not try again;
// the operator then ends the session as Failed with the same reason.

import { AGENT_FAILURE_REASONS, Reason } from '../crds/conditions.ts';

export type FailureReason =
  | typeof Reason.ImagePullFailed
  | typeof Reason.ContainerFailed
  | typeof Reason.UnsupportedRuntime
  | typeof Reason.NodeAtCapacity;

/** Ready=False reasons after which the agent never tries to start the container again. */
export const TERMINAL_READY_REASONS = AGENT_FAILURE_REASONS;

export class SessionFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'SessionFailure';
  }
}
