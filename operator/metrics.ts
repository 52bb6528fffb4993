// Prometheus metrics of the operator (prom-client: the standard exposition
// format and histogram buckets without code of our own).

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DebugSession } from '../crds/types.ts';

export interface OperatorMetrics {
  registry: Registry;
  reconcileDuration: Histogram;
  reconcileErrors: Counter;
  /** Every request to the API server, by verb and resource (kube/api-request.ts): the operator's cost to the control plane. */
  apiRequests: Counter<'verb' | 'resource'>;
}

export function createMetrics(sessions: () => DebugSession[], queueDepth: () => number): OperatorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kubectl_debug_operator_' });
  new Gauge({
    name: 'kubectl_debug_sessions', help: 'DebugSessions known to the operator, by phase.', labelNames: ['phase'], registers: [registry],
    collect() {
      this.reset();
      for (const s of sessions()) this.inc({ phase: s.status?.phase ?? 'Pending' });
    },
  });
  new Gauge({
    name: 'kubectl_debug_workqueue_depth', help: 'Sessions waiting to be reconciled.', registers: [registry],
    collect() {
      this.set(queueDepth());
    },
  });
  return {
    registry,
    reconcileDuration: new Histogram({
      name: 'kubectl_debug_reconcile_duration_seconds', help: 'Time spent reconciling one session.',
      labelNames: ['result'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    reconcileErrors: new Counter({ name: 'kubectl_debug_reconcile_errors_total', help: 'Reconciles that failed and were retried.', registers: [registry] }),
    apiRequests: new Counter({
      name: 'kubectl_debug_operator_api_requests_total', help: 'Requests sent to the API server, watches included, by verb and resource.',
      labelNames: ['verb', 'resource'], registers: [registry],
    }),
  };
}
