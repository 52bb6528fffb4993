// Command-line options of the operator. Every bound has a flag so tests and
// users can shorten or lengthen it without a rebuild.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS, type Limits } from './decide.ts';

export interface OperatorOptions {
  kubeconfig?: string;
  namespaces: string[];
  leaseNamespace: string;
  leaderElect: boolean;
  leaderElectionNamespace: string;
  identity: string;
  healthAddr: string;
  metricsAddr: string;
  concurrency: number;
  resyncMs: number;
  limits: Limits;
}

const seconds = (name: string, value: string | undefined, fallbackMs: number): number => {
  if (value === undefined) return fallbackMs;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number of seconds, got "${value}"`);
  return n * 1000;
};

const wholeNumber = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1, got "${value}"`);
  return n;
};

export function parseOptions(argv: string[]): OperatorOptions {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      namespaces: { type: 'string', default: '' },
      'lease-namespace': { type: 'string', default: 'kubectl-debug-system' },
      'leader-elect': { type: 'boolean', default: true },
      'no-leader-elect': { type: 'boolean', default: false },
      'leader-election-namespace': { type: 'string' },
      // Unique per process, as client-go's hostname_uuid: replicas in the host
      // network share a hostname, and in containers every pid is 1.
      identity: { type: 'string', default: `${process.env.POD_NAME ?? hostname()}_${randomUUID()}` },
      'health-addr': { type: 'string', default: '127.0.0.1:8081' },
      'metrics-addr': { type: 'string', default: '127.0.0.1:8080' },
      // Sessions reconciled at once. Each waits on the API server (3 requests to
      // assign one), so 8 beat 4 by a third in the scale benchmark: 101 vs 75 a second.
      concurrency: { type: 'string', default: '8' },
      'resync-seconds': { type: 'string' },
      'target-wait-seconds': { type: 'string' },
      'agent-wait-seconds': { type: 'string' },
      'agent-lost-seconds': { type: 'string' },
      'finalizer-grace-seconds': { type: 'string' },
    },
    strict: true,
  });
  const leaseNamespace = v['lease-namespace']!;
  return {
    kubeconfig: v.kubeconfig,
    namespaces: v.namespaces!.split(',').map((s) => s.trim()).filter(Boolean),
    leaseNamespace,
    leaderElect: v['leader-elect']! && !v['no-leader-elect'],
    leaderElectionNamespace: v['leader-election-namespace'] ?? leaseNamespace,
    identity: v.identity!,
    healthAddr: v['health-addr']!,
    metricsAddr: v['metrics-addr']!,
    concurrency: wholeNumber('concurrency', v.concurrency!),
    resyncMs: seconds('resync-seconds', v['resync-seconds'], 60_000),
    limits: {
      targetWaitMs: seconds('target-wait-seconds', v['target-wait-seconds'], DEFAULT_LIMITS.targetWaitMs),
      agentWaitMs: seconds('agent-wait-seconds', v['agent-wait-seconds'], DEFAULT_LIMITS.agentWaitMs),
      agentLostMs: seconds('agent-lost-seconds', v['agent-lost-seconds'], DEFAULT_LIMITS.agentLostMs),
      finalizerGraceMs: seconds('finalizer-grace-seconds', v['finalizer-grace-seconds'], DEFAULT_LIMITS.finalizerGraceMs),
    },
  };
}
