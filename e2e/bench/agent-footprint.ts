// Benchmark 4a, the agent's memory: idle, and with 20 live sessions, each
// an interactive shell in its own debug container with a client attached
// that has typed a command (so every terminal, recording and socket exists).

import { newAttachToken } from '../../attach/attach-token.ts';
import { API_VERSION, KIND, type DebugSession } from '../../crds/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import { sessionsPath } from '../../kube/sessions.ts';
import { kubectl, waitFor } from '../kubectl.ts';
import type { Measurement } from './report.ts';
import { sampleRss } from './rss.ts';
import type { ScopedStack, TargetPod } from './scoped-stack.ts';
import { rawAttach, type Typist } from './typist.ts';

export const LIVE_SESSIONS = 20;
/** Issue #5: an idle agent in at most 60 MB, read as MiB like every figure here. */
export const IDLE_LIMIT_MIB = 60;
const LABEL = 'bench.kubectl-debug.dev/footprint';

export async function agentFootprint(stack: ScopedStack, kube: KubeClient, pod: TargetPod, idleAtStart: number[], binaryAtStart: number, log: (l: string) => void): Promise<Measurement> {
  const pid = stack.agent.process.pid!;
  const clients: Typist[] = [];
  try {
    const tokens = new Map<string, string>();
    for (let i = 0; i < LIVE_SESSIONS; i++) {
      const { token, grant } = newAttachToken(new Date());
      const created = await kube.request<DebugSession>('POST', sessionsPath(stack.ns), {
        body: {
          apiVersion: API_VERSION, kind: KIND,
          metadata: { generateName: 'live-', labels: { [LABEL]: 'agent' } },
          spec: { target: { pod: pod.name }, stdin: true, tty: true, command: ['sh'], attach: grant },
        },
      });
      tokens.set(created.metadata.name!, token);
    }
    const urls = await waitFor(async () => {
      const list = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(stack.ns), { query: { labelSelector: `${LABEL}=agent` } });
      const ready = list.items.filter((s) => s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === LIVE_SESSIONS ? ready.map((s) => [s.metadata.name!, s.status!.runtime!.attachURL!] as const) : undefined;
    }, 120_000, `${LIVE_SESSIONS} sessions ready`);
    for (const [name, url] of urls) {
      const client = await rawAttach(url, tokens.get(name)!);
      clients.push(client);
      const echoed = client.expect('live-42');
      client.send('echo live-$((6*7))\r');
      await echoed;
    }
    log(`  ${LIVE_SESSIONS} sessions live and attached; sampling the agent's RSS`);
    await new Promise((r) => setTimeout(r, 2_000));
    const live = await sampleRss(pid);
    return {
      name: 'Agent resident memory (MiB, lower is better)',
      series: [
        { label: 'agent idle, just started', unit: 'MiB', samples: idleAtStart },
        { label: 'of it, pages of the node binary (shared by every Node process)', unit: 'MiB', samples: [binaryAtStart] },
        { label: `agent with ${LIVE_SESSIONS} live attached TTY sessions`, unit: 'MiB', samples: live },
      ],
      targets: [],
      limits: [{ series: 'agent idle, just started', max: IDLE_LIMIT_MIB }],
      notes: [
        'VmRSS of the agent process, 5 readings 0.5 s apart: Node 24, the dist/node-agent.cjs bundle, the V8 flags of config/images/agent.node-flags',
      ],
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await kubectl(['-n', stack.ns, 'delete', 'dbg', '-l', `${LABEL}=agent`, '--wait=true', '--timeout=90s']);
  }
}
