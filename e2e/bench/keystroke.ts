// Benchmark 3, keystroke round trip: one byte typed into a TTY session until
// the remote terminal's echo of it is back. Three sessions stay open at once
// and take keystrokes in turn, so each sample pair saw the same load:
//   ours          the CLI in a pseudo-terminal: `kubectl-debug POD -- cat`
//   kubectl exec  the same through `kubectl exec -it`, in the same kind of pseudo-terminal
//   attach alone  a raw WebSocket to the agent: the attach path without the CLI
// The remote side is `cat` on a terminal in canonical mode: the kernel echoes
// each byte, cat prints nothing until a newline, which is never sent.

import { newAttachToken } from '../../attach/attach-token.ts';
import { API_VERSION, KIND, type DebugSession } from '../../crds/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import { sessionPath, sessionsPath } from '../../kube/sessions.ts';
import { waitFor } from '../kubectl.ts';
import type { Measurement, Series } from './report.ts';
import type { ScopedStack, TargetPod } from './scoped-stack.ts';
import { inPty, rawAttach, type Typist } from './typist.ts';

/** Printed once the remote `cat` runs: computed, so the command line echoed earlier does not match. */
const READY = ['sh', '-c', 'echo rdy$((6*7)); exec cat'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export async function keystroke(stack: ScopedStack, kube: KubeClient, pod: TargetPod, keys: number, log: (l: string) => void): Promise<Measurement> {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  const OURS = 'ours: kubectl-debug -it (CLI in a pty)';
  const EXEC = 'kubectl exec -it (in a pty)';
  const RAW = 'attach alone: raw WebSocket to the agent';
  const typists: { label: string; typist: Typist }[] = [];
  const rawName = `keys-${Date.now().toString(36)}`;
  try {
    const ours = inPty(['kubectl-debug', '-n', stack.ns, pod.name, '--', ...READY], stack.env);
    typists.push({ label: OURS, typist: ours });
    await ours.expect('rdy42', 90_000);
    const exec = inPty([kubectl, 'exec', '-it', '-n', stack.ns, pod.name, '-c', pod.container, '--', ...READY], stack.env);
    typists.push({ label: EXEC, typist: exec });
    await exec.expect('rdy42', 90_000);
    const raw = await rawSession(kube, stack.ns, pod.name, rawName);
    typists.push({ label: RAW, typist: raw });
    // Its output may have been printed before the socket opened: wait for an echo instead.
    const warm = raw.expect('#');
    raw.send('#');
    await warm;

    const series: Series[] = typists.map((t) => ({ label: t.label, unit: 'ms', samples: [] }));
    for (let i = 0; i < keys; i++) {
      if (i > 0 && i % 100 === 0) {
        // Ctrl-U empties the terminal's line buffer (4 KiB) and echoes no letter.
        for (const t of typists) t.typist.send('\x15');
        await new Promise((r) => setTimeout(r, 200));
      }
      for (let k = 0; k < typists.length; k++) {
        const j = (i + k) % typists.length;
        const key = LETTERS[i % LETTERS.length]!;
        const echoed = typists[j]!.typist.expect(key, 10_000);
        const start = performance.now();
        typists[j]!.typist.send(key);
        series[j]!.samples.push((await echoed) - start);
      }
    }
    log(`  ${keys} keystrokes into each of ${typists.length} sessions`);
    return {
      name: 'Keystroke round trip (ms, lower is better; p99 in the table)',
      series,
      targets: [
        { ours: OURS, other: EXEC, op: '<=', value: NaN },
        { ours: RAW, other: EXEC, op: '<=', value: NaN },
      ],
      notes: ['both pty variants run under script(1) fed through a pipe, so they carry the same extra terminal hop'],
    };
  } finally {
    await Promise.all(typists.map((t) => t.typist.close().catch(() => {})));
    await kube.request('DELETE', sessionPath(stack.ns, rawName)).catch(() => {});
  }
}

async function rawSession(kube: KubeClient, ns: string, pod: string, name: string): Promise<Typist> {
  const { token, grant } = newAttachToken(new Date());
  await kube.request('POST', sessionsPath(ns), {
    body: { apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec: { target: { pod }, stdin: true, tty: true, command: ['cat'], attach: grant } },
  });
  const url = await waitFor(async () => {
    const s = await kube.request<DebugSession>('GET', sessionPath(ns, name));
    const ready = s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    return ready ? s.status?.runtime?.attachURL : undefined;
  }, 60_000, `session ${name} ready`);
  return rawAttach(url, token);
}
