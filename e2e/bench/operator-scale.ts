// Benchmark 5, the operator at scale: 1,000 sessions spread over 100
// simulated nodes (simulated-nodes.ts), created a few at a time. Per session
// it measures the assignment latency, from the create's response to the
// moment the benchmark's own watch delivers Assigned=True, and the operator's
// API requests per session from the operator's own counter. No agent ever
// serves these sessions: the benchmark confirms their clean-up in its stead.

import { findCondition } from '../../crds/condition-set.ts';
import { ConditionType } from '../../crds/conditions.ts';
import { API_VERSION, KIND, type DebugSession } from '../../crds/types.ts';
import { AGENT_LEASE_RENEW_MS } from '../../kube/agent-lease.ts';
import { isNotFound, PATCH, type KubeClient } from '../../kube/client.ts';
import { Informer } from '../../kube/informer.ts';
import { applySessionStatus, sessionPath, sessionsPath } from '../../kube/sessions.ts';
import { FIELD_MANAGER as AGENT_FIELD_MANAGER } from '../../node-agent/session-reconciler.ts';
import { waitFor } from '../kubectl.ts';
import { operatorMetricsUrl, readCounters, requestsBetween } from './operator-counters.ts';
import type { Measurement } from './report.ts';
import type { ScopedStack } from './scoped-stack.ts';
import { inParallel } from './in-parallel.ts';
import { SimulatedNodes } from './simulated-nodes.ts';

const LABEL = 'bench.kubectl-debug.dev/scale';
/** Writes in flight at once, as in operator-footprint.ts: quick, yet most of the 2 cores stay with the operator and the API server. */
const PARALLEL = 8;
/** After the last assignment: the operator records its Event just after writing the status the watch saw. */
const SETTLE_MS = 2_000;

export async function operatorScale(stack: ScopedStack, kube: KubeClient, count: number, nodeCount: number, log: (l: string) => void): Promise<Measurement> {
  const sim = new SimulatedNodes(kube, stack.ns, nodeCount, PARALLEL, log);
  const selector = `${LABEL}=operator`;
  const watch = new Informer<DebugSession>(kube, { path: sessionsPath(stack.ns), labelSelector: selector, onError: (err) => log(`  watch: ${(err as Error).message}`) });
  const names = Array.from({ length: count }, (_, i) => `scale-${i}`);
  const nodeOf = (i: number) => sim.nodes[i % nodeCount]!;
  const createdAt = new Map<string, number>();
  const assignedAt = new Map<string, number>();
  const failed = new Map<string, string>();
  watch.onChange((key) => {
    const s = watch.get(key);
    const name = s?.metadata.name ?? '';
    if (!s || assignedAt.has(name) || failed.has(name)) return;
    if (findCondition(s.status?.conditions, ConditionType.Assigned)?.status === 'True') {
      assignedAt.set(name, performance.now());
      const want = nodeOf(Number(name.slice('scale-'.length))).name;
      if (s.status?.target?.nodeName !== want) failed.set(name, `assigned to node ${s.status?.target?.nodeName}, not ${want}`);
    } else if (s.status?.phase === 'Failed') {
      failed.set(name, s.status.message ?? 'Failed');
    }
  });
  try {
    const setupStart = performance.now();
    await sim.create();
    log(`  ${nodeCount} simulated nodes with a running pod and an agent Lease each in ${seconds(performance.now() - setupStart)} s`);
    watch.start();
    await watch.hasSynced;
    const metricsUrl = operatorMetricsUrl(stack.operator.logFile);
    const before = await readCounters(metricsUrl);

    const started = performance.now();
    await inParallel(names, PARALLEL, async (name, i) => {
      await kube.request('POST', sessionsPath(stack.ns), {
        body: { apiVersion: API_VERSION, kind: KIND, metadata: { name, labels: { [LABEL]: 'operator' } }, spec: { target: { pod: nodeOf(i).pod } } },
      });
      createdAt.set(name, performance.now());
    });
    const created = performance.now() - started;
    log(`  created ${count} sessions in ${seconds(created)} s; waiting for the operator to assign them`);
    await waitFor(async () => names.every((n) => assignedAt.has(n) || failed.has(n)), 600_000, `${count} sessions assigned`);
    const allAssigned = Math.max(...assignedAt.values()) - started;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const after = await readCounters(metricsUrl);
    const sent = requestsBetween(before, after);
    const total = sum(sent);
    // Nothing to assign any more, but every agent keeps renewing its Lease: what holding the sessions costs.
    await new Promise((r) => setTimeout(r, AGENT_LEASE_RENEW_MS));
    const held = await readCounters(metricsUrl);
    const perSecond = (n: number) => (n / (AGENT_LEASE_RENEW_MS / 1000)).toFixed(0);

    const errors = [...failed].map(([name, why]) => `${name}: ${why}`);
    // Under load the watch can deliver Assigned before the create's response arrives: that counts as 0 ms.
    const latencies = names.map((n) => (failed.has(n) || !assignedAt.has(n) ? NaN : Math.max(0, assignedAt.get(n)! - createdAt.get(n)!)));
    return {
      name: 'Operator at scale (ms and requests, lower is better)',
      series: [
        { label: `assignment latency, ${count} sessions on ${nodeCount} nodes`, unit: 'ms', samples: latencies, errors: errors.slice(0, 5) },
        { label: 'operator API requests per session', unit: 'requests', samples: [total / count] },
      ],
      targets: [],
      notes: [
        `${count} sessions created ${PARALLEL} at a time in ${seconds(created)} s, round-robin over ${nodeCount} simulated nodes (one pod each); all assigned ${seconds(allAssigned)} s after the first create (${(count / (allAssigned / 1000)).toFixed(0)} sessions/s)`,
        'latency: from the create\'s response to the benchmark\'s watch delivering Assigned=True',
        `operator requests per session, ${SETTLE_MS / 1000} s after the last assignment, leader-election renewals included: ${sent.map(([key, n]) => `${key} ${(n / count).toFixed(2)}`).join(', ')}`,
        `operator work in the same window: ${((after.reconciles - before.reconciles) / count).toFixed(1)} reconciles and ${(((after.cpuSeconds - before.cpuSeconds) * 1000) / count).toFixed(1)} ms CPU per session`,
        `then, holding the ${count} assigned sessions for one Lease renewal period (${AGENT_LEASE_RENEW_MS / 1000} s): ${perSecond(held.reconciles - after.reconciles)} reconciles/s, ${perSecond(sum(requestsBetween(after, held)))} API requests/s, ${((held.cpuSeconds - after.cpuSeconds) / (AGENT_LEASE_RENEW_MS / 1000) * 100).toFixed(0)}% of a core`,
        'simulated nodes: Node objects without a kubelet, pods whose status the benchmark wrote, agent Leases renewed as the agent does',
      ],
    };
  } finally {
    watch.stop();
    await removeSessions(kube, stack.ns, selector, log).catch((err) => log(`  removing the sessions failed: ${(err as Error).message}`));
    await sim.remove();
  }
}

/**
 * Deletes the sessions and, standing in for the agents that never ran them,
 * confirms each debug container removed as an agent would, so the operator
 * releases its finalizer now rather than after its grace period. Strips the
 * finalizer itself only if the operator did not.
 */
async function removeSessions(kube: KubeClient, ns: string, selector: string, log: (l: string) => void): Promise<void> {
  const left = async () => (await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(ns), { query: { labelSelector: selector } })).items;
  await kube.request('DELETE', sessionsPath(ns), { query: { labelSelector: selector } });
  await inParallel((await left()).filter((s) => s.status?.agent), PARALLEL, async (s) => {
    await applySessionStatus(kube, s, { runtime: { containerRemoved: true } }, AGENT_FIELD_MANAGER).catch(unlessNotFound);
  });
  try {
    await waitFor(async () => (await left()).length === 0, 120_000, 'the operator to release the sessions');
  } catch (err) {
    log(`  ${(err as Error).message}; removing the finalizers`);
    await inParallel(await left(), PARALLEL, async (s) => {
      await kube.request('PATCH', sessionPath(ns, s.metadata.name!), { contentType: PATCH.merge, body: { metadata: { finalizers: null } } }).catch(unlessNotFound);
    });
    await waitFor(async () => (await left()).length === 0, 60_000, 'the sessions to go');
  }
}

const unlessNotFound = (err: unknown) => {
  if (!isNotFound(err)) throw err;
};
const sum = (counts: [string, number][]) => counts.reduce((total, [, n]) => total + n, 0);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
