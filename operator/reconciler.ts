// Reconciles one DebugSession: reads everything it needs from the caches,
// asks decide.ts what the world should look like, and writes only what
// differs (finalizer, node label, the operator's part of status, an Event per
// transition). Throwing means "retry with backoff".

import { isDeepStrictEqual } from 'node:util';
import { ConditionType } from '../crds/conditions.ts';
import { CLEANUP_FINALIZER, NODE_LABEL, type DebugSession } from '../crds/types.ts';
import { agentLeaseName } from '../kube/agent-lease.ts';
import { isConflict, isNotFound, PATCH, type KubeClient } from '../kube/client.ts';
import type { Lease, Pod } from '../kube/objects.ts';
import { applySessionStatus, sessionPath } from '../kube/sessions.ts';
import type { Logger } from '../log/logger.ts';
import { decide, decideDeletion, mayResolveTarget, operatorStatusOf, type Limits, type OperatorStatus } from './decide.ts';
import type { EventRecorder } from './events.ts';
import type { LabelSelector } from './target-checks.ts';
import type { ReconcileResult } from '../kube/workqueue.ts';

export const FIELD_MANAGER = 'kubectl-debug-operator';

export interface Cache<T> {
  get(key: string): T | undefined;
  list(): T[];
}

export interface ReconcilerDeps {
  kube: KubeClient;
  sessions: Cache<DebugSession>;
  pods: Cache<Pod>;
  leases: Cache<Lease>;
  leaseNamespace: string;
  limits: Limits;
  clock: () => Date;
  events: EventRecorder;
  log: Logger;
}

const WORKLOAD_PATHS = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' } as const;

export class SessionReconciler {
  constructor(private readonly d: ReconcilerDeps) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const session = this.d.sessions.get(key);
    if (!session) return {};
    const observed = await this.observe(session);
    if (session.metadata.deletionTimestamp) return this.reconcileDeletion(session, observed);

    const decision = decide(observed);
    // One patch for both: the finalizer is in place before any status that
    // lets an agent start a container, and the node label (what an agent
    // selects its sessions by) comes with it.
    const metadata: { finalizers?: string[]; labels?: Record<string, string> } = {};
    if (!session.metadata.finalizers?.includes(CLEANUP_FINALIZER)) metadata.finalizers = [...(session.metadata.finalizers ?? []), CLEANUP_FINALIZER];
    if (decision.nodeLabel && session.metadata.labels?.[NODE_LABEL] !== decision.nodeLabel) metadata.labels = { [NODE_LABEL]: decision.nodeLabel };
    if (metadata.finalizers || metadata.labels) await this.patchMetadata(session, metadata);
    const before = operatorStatusOf(session.status);
    if (!sameStatus(before, decision.status)) {
      await applySessionStatus(this.d.kube, session, decision.status, FIELD_MANAGER);
      await this.announce(session, before, decision.status);
    }
    return { requeueAfterMs: decision.requeueAfterMs };
  }

  private async observe(session: DebugSession) {
    const ns = session.metadata.namespace!;
    const pods = this.d.pods.list().filter((p) => p.metadata.namespace === ns);
    const workload = session.spec.target.workload;
    const workloadSelector = workload && mayResolveTarget(session) ? await this.workloadSelector(ns, workload.kind, workload.name) : undefined;
    return {
      session, pods, workloadSelector, now: this.d.clock(), limits: this.d.limits,
      agentLease: (node: string) => this.d.leases.get(`${this.d.leaseNamespace}/${agentLeaseName(node)}`),
    };
  }

  private async workloadSelector(ns: string, kind: keyof typeof WORKLOAD_PATHS, name: string): Promise<LabelSelector | null> {
    try {
      const obj = await this.d.kube.request('GET', `/apis/apps/v1/namespaces/${ns}/${WORKLOAD_PATHS[kind]}/${name}`);
      return obj.spec?.selector ?? null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  private async reconcileDeletion(session: DebugSession, observed: Awaited<ReturnType<SessionReconciler['observe']>>): Promise<ReconcileResult> {
    if (!session.metadata.finalizers?.includes(CLEANUP_FINALIZER)) return {};
    const verdict = decideDeletion(observed);
    if (!verdict.removeFinalizer) return { requeueAfterMs: verdict.requeueAfterMs };
    if (verdict.warning) await this.d.events.record(session, 'Warning', 'AgentLost', verdict.warning);
    await this.patchMetadata(session, { finalizers: session.metadata.finalizers.filter((f) => f !== CLEANUP_FINALIZER) });
    this.d.log.info({ session: keyOf(session) }, 'Released cleanup finalizer');
    return {};
  }

  /** Merge patch guarded by resourceVersion, so a list is never written over a newer one. */
  private async patchMetadata(session: DebugSession, metadata: object): Promise<void> {
    const { namespace, name, resourceVersion } = session.metadata;
    try {
      await this.d.kube.request('PATCH', sessionPath(namespace!, name!), {
        contentType: PATCH.merge,
        body: { metadata: { ...metadata, resourceVersion } },
      });
    } catch (err) {
      if (isNotFound(err)) return;
      if (isConflict(err)) throw new Error(`session ${keyOf(session)} changed while being reconciled; retrying`);
      throw err;
    }
  }

  private async announce(session: DebugSession, before: OperatorStatus, after: OperatorStatus): Promise<void> {
    const changed = [ConditionType.Finished, ConditionType.Assigned]
      .map((type) => [before.conditions?.find((c) => c.type === type), after.conditions?.find((c) => c.type === type)] as const)
      .find(([b, a]) => a && (b?.status !== a.status || b?.reason !== a.reason));
    // A pod re-picked before the start keeps phase and condition; the new pod is still worth an Event.
    const retargeted = before.target && after.target && before.target.podUID !== after.target.podUID;
    if (!changed && before.phase === after.phase && !retargeted) return;
    const condition = changed?.[1] ?? (retargeted ? after.conditions?.find((c) => c.type === ConditionType.Assigned) : undefined);
    const reason = condition?.reason ?? after.phase ?? 'Updated';
    const message = after.message ?? condition?.message ?? '';
    const warning = after.phase === 'Failed' || condition?.status === 'False';
    this.d.log.info({ session: keyOf(session), phase: after.phase, reason }, 'Updated session phase');
    await this.d.events.record(session, warning ? 'Warning' : 'Normal', reason, message);
  }
}

const keyOf = (s: DebugSession) => `${s.metadata.namespace}/${s.metadata.name}`;

/** Compares status as the API server would store it: undefined fields are absent. */
function sameStatus(a: OperatorStatus, b: OperatorStatus): boolean {
  const clean = (s: OperatorStatus) => JSON.parse(JSON.stringify(s));
  return isDeepStrictEqual(clean(a), clean(b));
}
