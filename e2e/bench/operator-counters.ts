// Counters the operator keeps about itself, read from its /metrics: API
// requests by verb and resource, reconciles, CPU time. Two readings give
// what one stretch of work cost.

import { readFileSync } from 'node:fs';

export interface OperatorCounters {
  /** Requests sent, keyed `VERB resource` (kubectl_debug_operator_api_requests_total). */
  requests: Map<string, number>;
  /** Reconciles run, failed ones included. */
  reconciles: number;
  cpuSeconds: number;
}

/** The /metrics URL the operator logged last: it binds port 0 (e2e/stack.ts) and its log is appended across restarts. */
export function operatorMetricsUrl(logFile: string): string {
  const started = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"Started operator"')).at(-1);
  if (!started) throw new Error(`the operator has not logged its ports in ${logFile}`);
  return `http://127.0.0.1:${JSON.parse(started).metrics}/metrics`;
}

export async function readCounters(metricsUrl: string): Promise<OperatorCounters> {
  const text = await (await fetch(metricsUrl)).text();
  const counters: OperatorCounters = { requests: new Map(), reconciles: 0, cpuSeconds: 0 };
  for (const line of text.split('\n')) {
    const m = line.match(/^(\w+)(?:\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const [, name, labelText = '', value] = m;
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]));
    if (name === 'kubectl_debug_operator_api_requests_total') counters.requests.set(`${labels.verb} ${labels.resource}`, Number(value));
    if (name === 'kubectl_debug_reconcile_duration_seconds_count') counters.reconciles += Number(value);
    if (name === 'kubectl_debug_operator_process_cpu_seconds_total') counters.cpuSeconds = Number(value);
  }
  return counters;
}

/** Requests sent between two readings, largest first. */
export function requestsBetween(before: OperatorCounters, after: OperatorCounters): [string, number][] {
  return [...after.requests]
    .map(([key, n]): [string, number] => [key, n - (before.requests.get(key) ?? 0)])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
}
