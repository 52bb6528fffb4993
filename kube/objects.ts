// The few fields of built-in kinds that the programs read, typed.

import type { ObjectMeta } from '../crds/types.ts';

export interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string };
}

export interface ContainerStatus {
  name: string;
  containerID?: string;
  ready?: boolean;
  state?: ContainerState;
}

export interface Pod {
  metadata: ObjectMeta & { ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
  spec: { nodeName?: string; containers: { name: string }[] };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    hostIP?: string;
    startTime?: string;
    containerStatuses?: ContainerStatus[];
  };
}

export interface Lease {
  metadata: ObjectMeta;
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** A Lease is held while its last renewal is younger than its duration. */
export function leaseHeld(lease: Lease | undefined, now: Date): boolean {
  if (!lease?.spec.holderIdentity || !lease.spec.renewTime) return false;
  const expires = Date.parse(lease.spec.renewTime) + (lease.spec.leaseDurationSeconds ?? 0) * 1000;
  return expires > now.getTime();
}

/** When the lease stopped being held, or undefined while it is held. */
export function leaseExpiredAt(lease: Lease | undefined, now: Date): Date | undefined {
  if (leaseHeld(lease, now)) return undefined;
  if (!lease?.spec.renewTime) return undefined;
  return new Date(Date.parse(lease.spec.renewTime) + (lease.spec.leaseDurationSeconds ?? 0) * 1000);
}
