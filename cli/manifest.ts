// The DebugSession the CLI creates for `kubectl dbg POD`. Labels let
// `kubectl get dbg -l` find what the CLI made; annotations say who asked and
// from which machine, for the audit trail next to the API server's own.

import { API_VERSION, GROUP, KIND, type AttachGrant, type DebugSession } from '../crds/types.ts';
import type { DebugOptions } from './options.ts';

export const CREATED_BY_LABEL = `${GROUP}/created-by`;
export const CREATED_BY = 'kubectl-debug';
export const REQUESTED_BY_ANNOTATION = `${GROUP}/requested-by`;
export const REQUESTED_FROM_ANNOTATION = `${GROUP}/requested-from`;

export interface Requester {
  /** Local login name. */
  user: string;
  host: string;
  /** User name of the kubeconfig context. */
  kubeUser: string;
}

export function sessionManifest(
  opts: Pick<DebugOptions, 'pod' | 'container' | 'image' | 'imagePullPolicy' | 'command' | 'stdin' | 'tty' | 'deadlineSeconds' | 'idleTimeoutSeconds'>,
  namespace: string,
  requester: Requester,
  grant: AttachGrant | undefined,
): DebugSession {
  const [command, ...args] = opts.command;
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: {
      // The API server shortens generateName itself when the pod name is long.
      generateName: `${opts.pod}-debug-`,
      namespace,
      labels: { [CREATED_BY_LABEL]: CREATED_BY },
      annotations: {
        [REQUESTED_BY_ANNOTATION]: `${requester.user} (kubeconfig user ${requester.kubeUser})`,
        [REQUESTED_FROM_ANNOTATION]: requester.host,
      },
    },
    spec: omitUndefined({
      target: omitUndefined({ pod: opts.pod, container: opts.container }),
      image: opts.image,
      imagePullPolicy: opts.imagePullPolicy,
      // Entrypoint and arguments apart, as a pod spec has them, so each stays within the schema's list limits.
      command: command === undefined ? undefined : [command],
      args: args.length ? args : undefined,
      stdin: opts.stdin,
      tty: opts.tty,
      activeDeadlineSeconds: opts.deadlineSeconds,
      idleTimeoutSeconds: opts.idleTimeoutSeconds,
      attach: grant,
    }),
  };
}

/** Leaves unset fields out, so the CRD's defaults apply rather than explicit nulls. */
function omitUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
