// The agent's registration (docs/architecture.md): one Lease per node in the
// lease namespace, renewed every 10 s, carrying the node label and the
// endpoint annotation. The operator assigns sessions only to nodes whose
// Lease is fresh, so the Lease is renewed only while the agent can do its
// work (Docker answers). Nothing is released on shutdown: it simply expires.

import { isConflict, isNotFound, type KubeClient } from '../kube/client.ts';
import {
  AGENT_ENDPOINT_ANNOTATION, AGENT_LEASE_DURATION_SECONDS, AGENT_LEASE_LABEL, AGENT_LEASE_RENEW_MS, agentLeaseName, leasesPath,
} from '../kube/agent-lease.ts';
import type { Lease } from '../kube/objects.ts';
import type { Logger } from '../log/logger.ts';

/** MicroTime, as the Lease API wants it: RFC 3339 with exactly six fractional digits. */
export function microTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The Lease as this agent wants it, keeping what the API server owns (resourceVersion) from the existing one. */
export function desiredLease(node: string, endpoint: string, now: Date, existing?: Lease): Lease & { apiVersion: string; kind: string } {
  const holder = node;
  const sameHolder = existing?.spec.holderIdentity === holder;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...(existing?.metadata ?? {}),
      name: agentLeaseName(node),
      labels: { ...(existing?.metadata.labels ?? {}), [AGENT_LEASE_LABEL]: node },
      annotations: { ...(existing?.metadata.annotations ?? {}), [AGENT_ENDPOINT_ANNOTATION]: endpoint },
    },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: AGENT_LEASE_DURATION_SECONDS,
      acquireTime: sameHolder && existing?.spec.acquireTime ? existing.spec.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (existing?.spec.leaseTransitions ?? 0) + (existing && !sameHolder ? 1 : 0),
    },
  };
}

export interface LeaseHeartbeatOptions {
  kube: KubeClient;
  namespace: string;
  node: string;
  /** https://<address>:<port> of the attach endpoint. */
  endpoint: string;
  clock: () => Date;
  log: Logger;
  /** Resolves when the agent can run sessions; a rejection skips this renewal and says why. */
  checkHealth: () => Promise<unknown>;
}

export class LeaseHeartbeat {
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;

  constructor(private readonly o: LeaseHeartbeatOptions) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), AGENT_LEASE_RENEW_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Creates or renews the Lease once; a conflict (someone else wrote it meanwhile) is left to the next beat. */
  async renew(): Promise<void> {
    const path = `${leasesPath(this.o.namespace)}/${agentLeaseName(this.o.node)}`;
    let existing: Lease | undefined;
    try {
      existing = await this.o.kube.request<Lease>('GET', path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const lease = desiredLease(this.o.node, this.o.endpoint, this.o.clock(), existing);
    try {
      if (existing) await this.o.kube.request('PUT', path, { body: lease });
      else await this.o.kube.request('POST', leasesPath(this.o.namespace), { body: lease });
    } catch (err) {
      if (!isConflict(err)) throw err;
      this.o.log.debug({ lease: lease.metadata.name }, 'Lease changed meanwhile; renewing at the next beat');
    }
  }

  private tick(): void {
    if (this.renewing) return;
    this.renewing = this.o.checkHealth()
      .then(
        () => this.renew().catch((err) => this.o.log.warn({ err, namespace: this.o.namespace }, 'Failed to renew agent Lease')),
        (err) => this.o.log.warn({ err }, 'Skipped Lease renewal: the agent cannot run sessions now'),
      )
      .finally(() => (this.renewing = undefined));
  }
}
