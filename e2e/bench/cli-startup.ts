// Benchmark 4c, CLI start-up: how long a user waits for a command that does
// one API request, `kubectl-debug list`, beside `kubectl get pods` (a Go
// binary, the user's alternative) and a bare `node -e 0` on the same Node
// binary (the floor of any Node program). And, traced with strace, the
// time from spawn to the first connect() to the API server: the CLI's
// start-up cost without the request and the output.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { interleave, type Variant } from './interleave.ts';
import type { Measurement } from './report.ts';
import type { ScopedStack } from './scoped-stack.ts';
import { failure, timed } from './timed-process.ts';
import { REPO_ROOT } from '../prepare.ts';

export async function cliStartup(stack: ScopedStack, apiPort: number, runs: number, log: (l: string) => void): Promise<Measurement> {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  // The Node that bin/kubectl-debug runs.
  const node = resolve(REPO_ROOT, 'node_modules/node/bin/node');
  const traceDir = mkdtempSync(join(tmpdir(), 'bench-strace-'));
  const wall = (label: string, cmd: string, args: string[]): Variant => ({
    label, unit: 'ms',
    run: async () => {
      const t = await timed(cmd, args, stack.env);
      if (t.code !== 0) throw failure(label, t);
      return t.ms;
    },
  });
  const firstConnect = (label: string, cmd: string, args: string[]): Variant => ({
    label, unit: 'ms',
    run: async (round) => {
      const out = join(traceDir, `${label.split(':')[0]}-${round}.txt`);
      const startEpochMs = performance.timeOrigin + performance.now();
      const t = await timed('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=connect', '-e', 'signal=none', '-ttt', '-o', out, '--', cmd, ...args], stack.env);
      if (t.code !== 0) throw failure(label, t);
      const line = readFileSync(out, 'utf8').split('\n').find((l) => l.includes(`sin_port=htons(${apiPort})`));
      if (!line) throw new Error(`no connect() to port ${apiPort} traced`);
      return Number(line.split(/\s+/)[1]) * 1000 - startEpochMs;
    },
  });
  const OURS = 'ours: kubectl-debug list';
  const KUBECTL = 'kubectl: get pods';
  const NODE = 'node: -e 0 (bare Node start and exit)';
  const OURS_CONNECT = 'ours to first API connect: kubectl-debug list';
  const KUBECTL_CONNECT = 'kubectl to first API connect: get pods';
  try {
    const series = await interleave(runs, [
      wall(OURS, 'kubectl-debug', ['list', '-n', stack.ns]),
      wall(KUBECTL, kubectl, ['get', 'pods', '-n', stack.ns]),
      wall(NODE, node, ['-e', '0']),
      firstConnect(OURS_CONNECT, 'kubectl-debug', ['list', '-n', stack.ns]),
      firstConnect(KUBECTL_CONNECT, kubectl, ['get', 'pods', '-n', stack.ns]),
    ], log);
    return {
      name: 'CLI start-up (ms, lower is better)',
      series,
      targets: [
        { ours: OURS, other: KUBECTL, op: '<=', value: NaN },
        { ours: OURS, other: NODE, op: '<=', value: NaN },
        { ours: OURS_CONNECT, other: KUBECTL_CONNECT, op: '<=', value: NaN },
      ],
      notes: ['first API connect: strace -f -e trace=connect, from spawn to the first connect() to the API server port (strace adds its own start-up to both)'],
    };
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
}
