// Agent Leases change at every renewal (every 10 s per node), but a session
// cares only about what a renewal rarely changes: whether its agent is alive,
// which agent it is and where it serves. This turns the stream of Lease
// updates into those edges, so a renewal does not re-examine every session
// (with 100 agents and 1,000 sessions that was ~7,000 idle reconciles a
// second). It includes the edge no update announces: a Lease that stops
// being renewed expires, so each held Lease gets a timer for its expiry.

import { AGENT_ENDPOINT_ANNOTATION, nodeOfAgentLease } from '../kube/agent-lease.ts';
import { leaseHeld, type Lease } from '../kube/objects.ts';

/** After the expiry instant, so that the Lease reads as expired when the timer fires. */
const EXPIRY_SLACK_MS = 50;

export class LeaseEdges {
  private readonly seen = new Map<string, { fingerprint: string; expiry?: NodeJS.Timeout }>();

  constructor(
    private readonly get: (key: string) => Lease | undefined,
    /** Called with the Lease's node when something a session depends on changed. */
    private readonly onEdge: (node: string) => void,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The informer saw the Lease `namespace/name` added, updated or deleted. */
  changed(key: string): void {
    const node = nodeOfAgentLease(key.slice(key.indexOf('/') + 1));
    if (node === undefined) return;
    const lease = this.get(key);
    const now = this.clock();
    const previous = this.seen.get(key);
    clearTimeout(previous?.expiry);
    this.seen.delete(key);
    const fingerprint = lease ? fingerprintOf(lease, now) : 'gone';
    if (lease) {
      const entry: { fingerprint: string; expiry?: NodeJS.Timeout } = { fingerprint };
      const expiresAt = Date.parse(lease.spec.renewTime ?? '') + (lease.spec.leaseDurationSeconds ?? 0) * 1000;
      if (leaseHeld(lease, now)) entry.expiry = setTimeout(() => this.changed(key), expiresAt - now.getTime() + EXPIRY_SLACK_MS).unref();
      this.seen.set(key, entry);
    }
    if (previous?.fingerprint !== fingerprint) this.onEdge(node);
  }

  stop(): void {
    for (const { expiry } of this.seen.values()) clearTimeout(expiry);
    this.seen.clear();
  }
}

function fingerprintOf(lease: Lease, now: Date): string {
  return JSON.stringify([leaseHeld(lease, now), lease.spec.holderIdentity, lease.metadata.annotations?.[AGENT_ENDPOINT_ANNOTATION]]);
}
