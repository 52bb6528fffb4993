// Benchmark 2, output throughput: 64 MiB written by a command in the pod's
// namespaces, read by the local process through each path.
//   ours          kubectl-debug POD -- head -c 64MiB /dev/zero  (debug container, agent, attach WebSocket)
//   kubectl exec  kubectl exec POD -- head ...                  (API server, kubelet, cri-dockerd)
//   floor         docker exec CONTAINER head ...                (Docker's own stream, no Kubernetes)
// The rate is taken from the first to the last byte received, so it leaves
// out each path's start-up (benchmark 1 measures that); wall times are
// reported beside it. /dev/zero rather than urandom: generating random
// bytes would cost more CPU than moving them on these 2 cores, and no path
// compresses (the attach WebSocket runs without permessage-deflate).

import { interleave, type Variant } from './interleave.ts';
import type { Measurement, Series } from './report.ts';
import type { ScopedStack, TargetPod } from './scoped-stack.ts';
import { failure, timed, type Timed } from './timed-process.ts';

const BYTES = 64 * 1024 * 1024;
const MIB = 1024 * 1024;

export async function throughput(stack: ScopedStack, pod: TargetPod, runs: number, log: (l: string) => void): Promise<Measurement> {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  const produce = ['head', '-c', String(BYTES), '/dev/zero'];
  const walls = new Map<string, number[]>();
  const variant = (label: string, cmd: string, args: string[]): Variant => ({
    label, unit: 'MiB/s',
    run: async (round) => {
      const t: Timed = await timed(cmd, args, stack.env);
      if (t.code !== 0) throw failure(label, t);
      if (t.stdoutBytes !== BYTES) throw new Error(`received ${t.stdoutBytes} bytes, expected ${BYTES}`);
      const wall = walls.get(label) ?? new Array(runs).fill(NaN);
      wall[round] = t.ms;
      walls.set(label, wall);
      return BYTES / MIB / ((t.lastByteMs - t.firstByteMs) / 1000);
    },
  });
  const OURS = 'ours: kubectl-debug POD -- head -c 64MiB';
  const EXEC = 'kubectl exec: POD -- head -c 64MiB';
  const FLOOR = 'floor: docker exec CONTAINER head -c 64MiB';
  const series = await interleave(runs, [
    variant(OURS, 'kubectl-debug', ['-n', stack.ns, pod.name, '--', ...produce]),
    variant(EXEC, kubectl, ['exec', '-n', stack.ns, pod.name, '-c', pod.container, '--', ...produce]),
    variant(FLOOR, 'docker', ['exec', pod.containerID, ...produce]),
  ], log);
  const wallSeries: Series[] = [...walls].map(([label, samples]) => ({ label: `${label.split(':')[0]}: wall time incl. start-up`, unit: 'ms', samples }));
  return {
    name: 'Output throughput, 64 MiB (MiB/s first to last byte, higher is better)',
    series: [...series, ...wallSeries],
    targets: [
      { ours: OURS, other: EXEC, op: '>=', value: 1 },
      { ours: OURS, other: FLOOR, op: '>=', value: 0.5 },
    ],
    notes: ['ours runs head in the debug container (kubectl-debug/tools, Debian); kubectl exec and docker exec run busybox head in the target container'],
  };
}
