// Where DebugSessions live in the REST API, and the one way each program
// writes status: server-side apply under its own field manager, so the
// operator's and the agent's fields never overwrite each other.

import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type DebugSession, type DebugSessionStatus } from '../crds/types.ts';
import { PATCH, type KubeClient } from './client.ts';

export const sessionsPath = (namespace?: string) =>
  namespace ? `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}` : `/apis/${GROUP}/${VERSION}/${PLURAL}`;

export const sessionPath = (namespace: string, name: string) => `${sessionsPath(namespace)}/${name}`;

export function getSession(kube: KubeClient, namespace: string, name: string): Promise<DebugSession> {
  return kube.request('GET', sessionPath(namespace, name));
}

/**
 * Applies the fields this manager owns. Everything the manager owned before
 * and leaves out now is removed, so always send the manager's whole part.
 */
export function applySessionStatus(
  kube: KubeClient,
  session: DebugSession,
  status: DebugSessionStatus,
  fieldManager: string,
): Promise<DebugSession> {
  const { name, namespace, uid } = session.metadata;
  return kube.request('PATCH', `${sessionPath(namespace!, name!)}/status`, {
    contentType: PATCH.apply,
    query: { fieldManager, force: true },
    // The uid makes the write fail rather than land on a new session that reuses the name.
    body: { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace, uid }, status },
  });
}
