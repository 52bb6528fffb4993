// How an agent's registration Lease is named and what it carries, shared by
// the agent (writer) and the operator (reader).

import { GROUP, NODE_LABEL } from '../crds/types.ts';

export const AGENT_ENDPOINT_ANNOTATION = `${GROUP}/endpoint`;
export const AGENT_LEASE_LABEL = NODE_LABEL;
export const AGENT_LEASE_DURATION_SECONDS = 30;
export const AGENT_LEASE_RENEW_MS = 10_000;

const AGENT_LEASE_PREFIX = 'kubectl-debug-agent.';
export const agentLeaseName = (node: string) => `${AGENT_LEASE_PREFIX}${node}`;
/** The node of an agent Lease's name, or undefined for another Lease. */
export const nodeOfAgentLease = (name: string) => (name.startsWith(AGENT_LEASE_PREFIX) ? name.slice(AGENT_LEASE_PREFIX.length) : undefined);

export const leasesPath = (namespace: string) => `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
