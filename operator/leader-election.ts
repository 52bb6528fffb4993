// Leader election on a coordination.k8s.io Lease, as client-go does it: the
// holder renews before the lease runs out; anyone else takes it over only
// once it has expired, with the Lease's resourceVersion guarding the write so
// two candidates can never both win. A leader that cannot renew in time
// steps down by exiting, so two replicas never act at once.

import { isConflict, isNotFound, type KubeClient } from '../kube/client.ts';
import { leasesPath } from '../kube/agent-lease.ts';
import { leaseHeld, type Lease } from '../kube/objects.ts';
import type { Logger } from '../log/logger.ts';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  retryPeriodMs?: number;
  clock?: () => Date;
}

export class LeaderElector {
  private timer?: NodeJS.Timeout;
  private leading = false;
  private lastRenew = 0;

  constructor(
    private readonly kube: KubeClient,
    private readonly opts: LeaderElectionOptions,
    private readonly log: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Calls onStarted once leadership is won and onLost if it is ever lost. */
  run(onStarted: () => void, onLost: () => void): void {
    const period = this.opts.retryPeriodMs ?? 2_000;
    const durationMs = (this.opts.leaseDurationSeconds ?? 15) * 1000;
    const tick = async () => {
      try {
        const held = await this.tryAcquireOrRenew();
        if (held) this.lastRenew = Date.now();
        if (held && !this.leading) {
          this.leading = true;
          this.log.info({ identity: this.opts.identity }, 'Became leader');
          onStarted();
        }
      } catch (err) {
        this.log.warn({ err }, 'Failed to renew leader lease');
      }
      if (this.leading && Date.now() - this.lastRenew > durationMs * 0.8) {
        this.leading = false;
        this.log.error({ identity: this.opts.identity }, 'Lost leadership');
        onLost();
        return;
      }
      this.timer = setTimeout(tick, period);
    };
    void tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Hands the lease back on a clean shutdown, so a standby takes over at once instead of after it expires. */
  async release(): Promise<void> {
    this.stop();
    if (!this.leading) return;
    this.leading = false;
    const path = `${leasesPath(this.opts.namespace)}/${this.opts.name}`;
    try {
      const lease: Lease = await this.kube.request('GET', path);
      if (lease.spec.holderIdentity !== this.opts.identity) return;
      await this.kube.request('PUT', path, { body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } } });
      this.log.info({ identity: this.opts.identity }, 'Released leadership');
    } catch (err) {
      this.log.warn({ err }, 'Failed to release leader lease');
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const path = `${leasesPath(this.opts.namespace)}/${this.opts.name}`;
    const now = (this.opts.clock ?? (() => new Date()))();
    const spec = { holderIdentity: this.opts.identity, leaseDurationSeconds: this.opts.leaseDurationSeconds ?? 15, renewTime: micro(now) };
    let lease: Lease;
    try {
      lease = await this.kube.request('GET', path);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return this.write('POST', leasesPath(this.opts.namespace), {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: this.opts.name, namespace: this.opts.namespace },
        spec: { ...spec, acquireTime: micro(now), leaseTransitions: 0 },
      });
    }
    const mine = lease.spec.holderIdentity === this.opts.identity;
    if (!mine && leaseHeld(lease, now)) return false;
    return this.write('PUT', path, {
      ...lease,
      spec: {
        ...lease.spec, ...spec,
        acquireTime: mine ? lease.spec.acquireTime : micro(now),
        leaseTransitions: (lease.spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    });
  }

  private async write(method: string, path: string, body: object): Promise<boolean> {
    try {
      await this.kube.request(method, path, { body });
      return true;
    } catch (err) {
      if (isConflict(err)) return false; // someone else wrote first
      throw err;
    }
  }
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
export const micro = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
