// Finds the agent pod serving a node, the target of a port-forward when the
// node's address cannot be reached. Users who may not list pods cluster-wide
// get the agent's usual namespace tried instead.

import type { KubeClient } from '../kube/client.ts';
import { KubeError } from '../kube/client.ts';

export const AGENT_POD_LABEL = 'app.kubernetes.io/name=kubectl-debug-agent';
export const AGENT_NAMESPACE = 'kubectl-debug-system';

interface Pod {
  metadata: { name: string; namespace: string; deletionTimestamp?: string; creationTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

export async function findAgentPod(kube: KubeClient, node: string): Promise<{ namespace: string; name: string } | undefined> {
  const query = { labelSelector: AGENT_POD_LABEL, fieldSelector: `spec.nodeName=${node}` };
  let pods: Pod[];
  try {
    pods = (await kube.request<{ items: Pod[] }>('GET', '/api/v1/pods', { query })).items;
  } catch (err) {
    if (!(err instanceof KubeError && err.code === 403)) throw err;
    pods = (await kube.request<{ items: Pod[] }>('GET', `/api/v1/namespaces/${AGENT_NAMESPACE}/pods`, { query })).items;
  }
  // During a rolling update the old pod is still Running while it shuts
  // down: prefer a pod not being deleted, ready, and the newest.
  const ready = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const best = pods
    .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
    .sort((a, b) => Number(ready(b)) - Number(ready(a)) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0];
  return best ? { namespace: best.metadata.namespace, name: best.metadata.name } : undefined;
}
