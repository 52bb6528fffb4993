// A fresh one-time attach secret for an existing session: its hash goes into
// spec.attach with a merge patch (the one spec field that may change), so
// the API server's RBAC on that session decides who may attach.

import { newAttachToken } from '../attach/attach-token.ts';
import type { DebugSession } from '../crds/types.ts';
import { PATCH, isNotFound, type KubeClient } from '../kube/client.ts';
import { sessionPath } from '../kube/sessions.ts';
import { UserError } from './errors.ts';

export async function grantAttach(kube: KubeClient, namespace: string, name: string, now = new Date()): Promise<{ token: string; session: DebugSession }> {
  const { token, grant } = newAttachToken(now);
  try {
    const session = await kube.request<DebugSession>('PATCH', sessionPath(namespace, name), {
      contentType: PATCH.merge,
      body: { spec: { attach: grant } },
    });
    return { token, session };
  } catch (err) {
    if (isNotFound(err)) throw new UserError(`debug session "${name}" not found in namespace ${namespace}`);
    throw err;
  }
}
