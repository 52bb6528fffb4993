// Condition types and reasons of a DebugSession, in one place so that users
// can rely on them with `kubectl wait --for=condition=<Type>`.

export const ConditionType = {
  /** Operator: the target pod is resolved and an agent on its node is assigned. */
  Assigned: 'Assigned',
  /** Agent: the debug container runs and the attach endpoint accepts clients. */
  Ready: 'Ready',
  /** Operator: the session has ended; the reason says how. */
  Finished: 'Finished',
} as const;

export const Reason = {
  // Waiting
  PodNotScheduled: 'PodNotScheduled',
  AgentUnavailable: 'AgentUnavailable',
  WaitingForAgent: 'WaitingForAgent',
  Starting: 'Starting',
  /**
   * Ready=False while Docker creates the container, with the attach endpoint
   * already in status: a client may connect now and is held until the
   * container exists, which takes its connection off the start's path.
   */
  CreatingContainer: 'CreatingContainer',
  // Progress
  AgentAssigned: 'AgentAssigned',
  ContainerRunning: 'ContainerRunning',
  /** Ready=True before the start: the container waits for its first client so no output is lost. */
  WaitingForClient: 'WaitingForClient',
  // Bad target, each ends the session as Failed
  PodNotFound: 'PodNotFound',
  NoMatchingPod: 'NoMatchingPod',
  ContainerNotFound: 'ContainerNotFound',
  PodFinished: 'PodFinished',
  ContainerNotRunning: 'ContainerNotRunning',
  UnsupportedRuntime: 'UnsupportedRuntime',
  InvalidSpec: 'InvalidSpec',
  // Endings
  Completed: 'Completed',
  NonZeroExitCode: 'NonZeroExitCode',
  DeadlineExceeded: 'DeadlineExceeded',
  IdleTimeout: 'IdleTimeout',
  AgentLost: 'AgentLost',
  TargetGone: 'TargetGone',
  ImagePullFailed: 'ImagePullFailed',
  ContainerFailed: 'ContainerFailed',
  /** The node already runs as many sessions as its agent allows (--max-sessions). */
  NodeAtCapacity: 'NodeAtCapacity',
  Deleted: 'Deleted',
} as const;

export type ConditionTypeName = (typeof ConditionType)[keyof typeof ConditionType];
export type ReasonName = (typeof Reason)[keyof typeof Reason];

/** Ready=False reasons the agent gives up on: the container never started and never will; the operator ends the session with them. */
export const AGENT_FAILURE_REASONS: readonly string[] = [
  Reason.ImagePullFailed, Reason.ContainerFailed, Reason.UnsupportedRuntime, Reason.NodeAtCapacity,
];
