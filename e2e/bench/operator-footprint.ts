// Benchmark 4b, the operator's memory with 1,000 sessions in its cache. They
// target a pod that does not exist, so each is reconciled once to Failed
// (PodNotFound, with a Warning event) and then only held: what an operator
// carries for a namespace full of finished sessions nobody deleted.

import { API_VERSION, KIND, type DebugSession } from '../../crds/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import { sessionsPath } from '../../kube/sessions.ts';
import { kubectl, waitFor } from '../kubectl.ts';
import type { Measurement } from './report.ts';
import { sampleRss } from './rss.ts';
import type { ScopedStack } from './scoped-stack.ts';

const LABEL = 'bench.kubectl-debug.dev/footprint';
/** Creates in flight at once: enough to be quick, few enough to leave the 2 cores to the programs under test. */
const PARALLEL = 8;

export async function operatorFootprint(stack: ScopedStack, kube: KubeClient, count: number, idleAtStart: number[], log: (l: string) => void): Promise<Measurement> {
  const pid = stack.operator.process.pid!;
  try {
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      while (next < count) {
        const i = next++;
        await kube.request('POST', sessionsPath(stack.ns), {
          body: { apiVersion: API_VERSION, kind: KIND, metadata: { name: `held-${i}`, labels: { [LABEL]: 'operator' } }, spec: { target: { pod: 'bench-no-such-pod' } } },
        });
      }
    }));
    const created = performance.now() - started;
    log(`  created ${count} sessions in ${(created / 1000).toFixed(1)} s; waiting for the operator to finish them`);
    await waitFor(async () => {
      const list = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(stack.ns), { query: { labelSelector: `${LABEL}=operator` } });
      return list.items.filter((s) => s.status?.phase === 'Failed').length === count;
    }, 600_000, `${count} sessions reconciled`);
    const reconciled = performance.now() - started;
    await new Promise((r) => setTimeout(r, 3_000));
    const held = await sampleRss(pid);
    return {
      name: 'Operator resident memory (MiB, lower is better)',
      series: [
        { label: 'operator idle, just started', unit: 'MiB', samples: idleAtStart },
        { label: `operator holding ${count} sessions`, unit: 'MiB', samples: held },
      ],
      targets: [],
      notes: [
        `${count} sessions created ${PARALLEL} at a time in ${(created / 1000).toFixed(1)} s; all reconciled to Failed (PodNotFound) ${(reconciled / 1000).toFixed(1)} s after the first create`,
        'VmRSS of the operator process (dist/operator.cjs), 5 readings 0.5 s apart, 3 s after the last reconcile',
      ],
    };
  } finally {
    // Not `--wait`: kubectl waits for each object in turn, under its client-side rate limit.
    await kubectl(['-n', stack.ns, 'delete', 'dbg', '-l', `${LABEL}=operator`, '--wait=false']);
    await waitFor(async () => (await kube.request('GET', sessionsPath(stack.ns), { query: { labelSelector: `${LABEL}=operator`, limit: 1 } })).items.length === 0, 300_000, 'held sessions to go');
  }
}
