// Finds the agent pod serving a node, the target of a port-forward when the
// node's address cannot be reached. Users who may not list pods cluster-wide
// get the agent's usual namespace tried instead.

import type { KubeClient } from '../kube/client.ts';
import { KubeError } from '../kube/client.ts';

export const AGENT_POD_LABEL = 'app.kubernetes.io/name=kubectl-debug-agent';
export const AGENT_NAMESPACE = 'kubectl-debug-system';

interface Pod {
  metadata: { name: string; namespace: string };
  status?: { phase?: string };
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
  const running = pods.find((p) => p.status?.phase === 'Running');
  return running ? { namespace: running.metadata.namespace, name: running.metadata.name } : undefined;
}
