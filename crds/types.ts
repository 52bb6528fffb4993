// The DebugSession API as TypeScript sees it. The OpenAPI schema in
// schema.ts says the same thing to the API server; schema.test.ts fails when
// the two disagree.

export const GROUP = 'debug.kubectl-debug.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'DebugSession';
export const PLURAL = 'debugsessions';

/** Label the operator puts on an assigned session; each agent watches only its node's value. */
export const NODE_LABEL = `${GROUP}/node`;
/** Finalizer that holds deletion until the agent has removed the debug container. */
export const CLEANUP_FINALIZER = `${GROUP}/cleanup`;

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export type Phase = 'Pending' | 'Assigned' | 'Running' | 'Succeeded' | 'Failed';

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

/** Exactly one of pod, selector or workload names what to debug. */
export interface DebugTarget {
  /** A pod in the session's own namespace. */
  pod?: string;
  /** Pods carrying all these labels; the operator picks one by a fixed rule. */
  selector?: { matchLabels: Record<string, string> };
  /** A workload whose pods are candidates, resolved like selector. */
  workload?: { kind: WorkloadKind; name: string };
  /** Container to join; default: the pod's first container. */
  container?: string;
}

/**
 * Proof that a caller may attach: only someone allowed to write this session
 * can put the hash of their one-time secret here, so the agent trusts the API
 * server's RBAC without ever seeing a user credential.
 */
export interface AttachGrant {
  /** Lowercase hex SHA-256 of the secret the client will present. */
  tokenSHA256: string;
  /** After this instant the secret is refused. */
  expiresAt: string;
}

export interface DebugSessionSpec {
  target: DebugTarget;
  /** Debug image; default: the agent's configured tools image. */
  image?: string;
  imagePullPolicy?: PullPolicy;
  /** Replaces the image entrypoint; default: an interactive shell. */
  command?: string[];
  args?: string[];
  /** Allocate a terminal for the debug container. */
  tty?: boolean;
  /** Keep stdin open so a client can type; false for unattended commands. */
  stdin?: boolean;
  /** Seconds from creation after which the session is ended whatever it is doing. */
  activeDeadlineSeconds?: number;
  /** Seconds a running session may go without an attached client before it is ended. */
  idleTimeoutSeconds?: number;
  /** The one part of the spec that may change after creation. */
  attach?: AttachGrant;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** Written by the operator: which pod and which agent. */
export interface ResolvedTarget {
  pod: string;
  podUID: string;
  container: string;
  nodeName: string;
  hostIP: string;
}

export interface AssignedAgent {
  /** Holder identity of the agent's node Lease. */
  name: string;
  /** Base URL the agent serves attach on, e.g. https://127.0.0.1:10027. */
  endpoint: string;
}

/** Written by the agent: what runs on the node. */
export interface RuntimeStatus {
  containerID?: string;
  image?: string;
  /** wss:// URL a client attaches to. */
  attachURL?: string;
  /** SHA-256 of the agent's TLS certificate (DER, lowercase hex), the client pins it. */
  certificateSHA256?: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** Clients attached now; the idle timeout counts only while this is zero. */
  attachedClients?: number;
  /** Last time a client attached or detached. */
  lastActivityAt?: string;
  /** Last lines of output, for unattended sessions. */
  outputTail?: string;
  /** Bytes of the asciicast recording kept on the node. */
  recordingBytes?: number;
  /** True once the debug container is gone from the node. */
  containerRemoved?: boolean;
}

export interface DebugSessionStatus {
  phase?: Phase;
  message?: string;
  conditions?: Condition[];
  target?: ResolvedTarget;
  agent?: AssignedAgent;
  startTime?: string;
  completionTime?: string;
  runtime?: RuntimeStatus;
}

export interface DebugSession {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: DebugSessionSpec;
  status?: DebugSessionStatus;
}

export const TERMINAL_PHASES: readonly Phase[] = ['Succeeded', 'Failed'];

export function isFinished(session: DebugSession): boolean {
  return TERMINAL_PHASES.includes(session.status?.phase ?? 'Pending');
}
