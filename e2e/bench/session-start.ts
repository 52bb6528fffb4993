// Benchmark 1, session start: from the user's command to a finished `true`
// in a container that shares the target's namespaces.
//   ours      kubectl-debug POD -- true (until it exits: the session was
//             created, assigned, started, attached and reported exit 0)
//   built-in  kubectl debug POD --target=app (an ephemeral container) until
//             the kubelet reports that container terminated
//   floor     docker run --rm --pid/--network container:<id> (no Kubernetes)

import type { KubeClient } from '../../kube/client.ts';
import { watchEphemeral } from './ephemeral-watch.ts';
import { interleave } from './interleave.ts';
import type { Measurement } from './report.ts';
import type { ScopedStack, TargetPod } from './scoped-stack.ts';
import { TOOLS } from './scoped-stack.ts';
import { failure, timed } from './timed-process.ts';

export async function sessionStart(stack: ScopedStack, kube: KubeClient, ours: TargetPod, ephemeralTarget: TargetPod, runs: number, log: (l: string) => void): Promise<Measurement> {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  const ok = async (what: string, run: ReturnType<typeof timed>) => {
    const t = await run;
    if (t.code !== 0) throw failure(what, t);
    return t;
  };
  const OURS = 'ours: kubectl-debug POD -- true';
  const BUILTIN = 'built-in: kubectl debug --target (until terminated)';
  const FLOOR = 'floor: docker run --pid/--network container:ID';
  const builtinReturned: number[] = [];
  const series = await interleave(runs, [
    {
      label: OURS, unit: 'ms',
      run: async () => (await ok('kubectl-debug', timed('kubectl-debug', ['-n', stack.ns, ours.name, '--', 'true'], stack.env))).ms,
    },
    {
      label: BUILTIN, unit: 'ms',
      run: async (round) => {
        // A fresh name each run: ephemeral containers can never be removed from a pod.
        const name = `bench-${Date.now().toString(36)}-${round}`;
        const watch = await watchEphemeral(kube, stack.ns, ephemeralTarget.name);
        try {
          const done = watch.terminated(name);
          const start = performance.now();
          const t = await ok('kubectl debug', timed(kubectl, [
            'debug', ephemeralTarget.name, '-n', stack.ns, `--image=${TOOLS}`, '--image-pull-policy=Never',
            `--target=${ephemeralTarget.container}`, `--container=${name}`, '--profile=general', '--', 'true',
          ], stack.env));
          builtinReturned.push(t.ms);
          return (await done) - start;
        } finally {
          watch.close();
        }
      },
    },
    {
      label: FLOOR, unit: 'ms',
      run: async () => (await ok('docker run', timed('docker', [
        'run', '--rm', '--pid', `container:${ours.containerID}`, '--network', `container:${ours.containerID}`, TOOLS, 'true',
      ], stack.env))).ms,
    },
  ], log);
  const returned = builtinReturned.sort((a, b) => a - b)[Math.floor(builtinReturned.length / 2)];
  return {
    name: 'Session start (ms, lower is better)',
    series,
    targets: [
      { ours: OURS, other: BUILTIN, op: '<=', value: 0.5 },
      { ours: OURS, other: FLOOR, op: '<=', value: 2 },
    ],
    notes: [
      `built-in: the kubectl command itself returned after a median ${returned?.toFixed(0) ?? '?'} ms, before its container ran; timed until a pod watch saw the ephemeral container terminated`,
      `built-in runs target a second, identical pod (${ephemeralTarget.name}): each run adds an ephemeral container that can never be removed`,
      'ours includes deleting the session on exit (the CLI waits for the DELETE request, not for the container removal)',
    ],
  };
}
