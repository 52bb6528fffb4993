// The operator process: wires the caches, the work queue, the reconciler,
// leader election and the HTTP endpoints. The only file with side effects.

import { createHash } from 'node:crypto';
import { NODE_LABEL, type DebugSession } from '../crds/types.ts';
import { leasesPath } from '../kube/agent-lease.ts';
import { describeRequest } from '../kube/api-request.ts';
import { KubeClient } from '../kube/client.ts';
import { InformerSet } from '../kube/informer-set.ts';
import { loadCredentials } from '../kube/kubeconfig.ts';
import { parseYamlOnDemand } from '../kube/yaml-on-demand.ts';
import type { Lease, Pod } from '../kube/objects.ts';
import { sessionsPath } from '../kube/sessions.ts';
import { createLogger } from '../log/logger.ts';
import { affectedByAgent, affectedByPod } from './affected-sessions.ts';
import { EventRecorder } from './events.ts';
import { boundPort, serve } from './http-endpoints.ts';
import { LeaderElector } from './leader-election.ts';
import { LeaseEdges } from './lease-edges.ts';
import { createMetrics } from './metrics.ts';
import { parseOptions, type OperatorOptions } from './options.ts';
import { FIELD_MANAGER, SessionReconciler } from './reconciler.ts';
import { WorkQueue } from '../kube/workqueue.ts';

const log = createLogger({ program: 'operator' });
let opts: OperatorOptions;
try {
  opts = parseOptions(process.argv.slice(2));
} catch (err) {
  log.error({ err }, 'Refused options');
  process.exit(2);
}

// A function, not top-level await: the bundle is CommonJS (scripts/build.mjs).
async function main(opts: OperatorOptions): Promise<void> {
  // Made before the client, which counts each request in them; the gauges read
  // the caches and the queue, made below, only when scraped.
  const metrics = createMetrics(() => sessions.list(), () => queue.depth);
  const kube = new KubeClient(await loadCredentials({ kubeconfig: opts.kubeconfig }, parseYamlOnDemand), (method, path, req) => metrics.apiRequests.inc(describeRequest(method, path, req)));

  const onError = (what: string) => (err: unknown) => log.warn({ what, err }, 'Restarted watch after error');
  const sessions = new InformerSet<DebugSession>(kube, opts.namespaces, sessionsPath, { resyncMs: opts.resyncMs, onError: onError('debugsessions') });
  const pods = new InformerSet<Pod>(kube, opts.namespaces, (ns) => (ns ? `/api/v1/namespaces/${ns}/pods` : '/api/v1/pods'), { onError: onError('pods') });
  const leases = new InformerSet<Lease>(kube, [opts.leaseNamespace], (ns) => leasesPath(ns!), { labelSelector: NODE_LABEL, onError: onError('leases') });

  const reconciler = new SessionReconciler({
    kube, sessions, pods, leases, leaseNamespace: opts.leaseNamespace, limits: opts.limits,
    clock: () => new Date(), events: new EventRecorder(kube, FIELD_MANAGER, log), log,
  });
  const queue = new WorkQueue((key) => reconciler.reconcile(key), {
    concurrency: opts.concurrency,
    onError: (key, err, retryInMs) => {
      metrics.reconcileErrors.inc();
      log.warn({ session: key, err, retryInMs }, 'Failed to reconcile session');
    },
    onDone: (_key, ms, failed) => metrics.reconcileDuration.observe({ result: failed ? 'error' : 'ok' }, ms / 1000),
  });

  // Pods and agent Leases matter only through the sessions that refer to them
  // (affected-sessions.ts); of a Lease, only its edges (lease-edges.ts).
  const enqueue = (s: DebugSession) => queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
  const agentEdges = new LeaseEdges((key) => leases.get(key), (node) => affectedByAgent(sessions.list(), node).forEach(enqueue));

  let started = false;
  const start = async () => {
    sessions.start();
    pods.start();
    leases.start();
    // No reconcile before every cache is full: a session seen before its pod
    // would be failed as PodNotFound.
    await Promise.all([sessions.hasSynced(), pods.hasSynced(), leases.hasSynced()]);
    sessions.onChange((key) => queue.add(key));
    pods.onChange((key) => affectedByPod(sessions.list(), key).forEach(enqueue));
    leases.onChange((key) => agentEdges.changed(key));
    leases.list().forEach((l) => agentEdges.changed(`${l.metadata.namespace}/${l.metadata.name}`));
    sessions.list().forEach(enqueue);
    started = true;
    log.info({ namespaces: opts.namespaces.length ? opts.namespaces : 'all', sessions: sessions.list().length }, 'Started reconciling');
  };

  let elector: LeaderElector | undefined;
  const health = await serve(opts.healthAddr, {
    '/healthz': async () => ({ status: 200, body: 'ok\n' }),
    // A standby replica is ready: it is healthy and waiting for the lease.
    '/readyz': async () => (started || (opts.leaderElect && !elector?.isLeader) ? { status: 200, body: 'ok\n' } : { status: 503, body: 'caches not synced\n' }),
  });
  const metricsServer = await serve(opts.metricsAddr, {
    '/metrics': async () => ({ status: 200, body: await metrics.registry.metrics(), contentType: metrics.registry.contentType }),
  });
  log.info({ health: boundPort(health), metrics: boundPort(metricsServer), identity: opts.identity }, 'Started operator');

  if (opts.leaderElect) {
    // One election per set of watched namespaces, so scoped operators (tests, tenants) do not block each other.
    const scope = createHash('sha256').update(opts.namespaces.join(',')).digest('hex').slice(0, 10);
    elector = new LeaderElector(kube, { namespace: opts.leaderElectionNamespace, name: `kubectl-debug-operator-${scope}`, identity: opts.identity }, log);
    elector.run(() => void start(), () => process.exit(1));
  } else {
    void start();
  }

  const shutdown = async (signal: string) => {
    queue.stop();
    agentEdges.stop();
    await elector?.release();
    log.info({ signal }, 'Stopped operator');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main(opts).catch((err) => {
  log.error({ err }, 'Operator failed to start');
  process.exit(1);
});
