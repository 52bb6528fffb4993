// Benchmark 4a, the agent's idle memory over time: a second agent, started
// with the benchmark and read when it ends. It serves a node name of its own
// in a namespace of its own, so it never gets a session and never sweeps the
// real agent's debug containers. V8 compiles code as it gets hot, so an idle
// agent's memory a minute after start is not what it holds an hour later
// (config/images/agent.node-flags).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cli-harness.ts';
import { createNamespace, deleteNamespace } from '../kubectl.ts';
import { agentRegistered, startAgent, type Program } from '../stack.ts';
import { sampleRss } from './rss.ts';

const NODE = 'bench-idle-node';

export class IdleAgent {
  private constructor(
    private readonly ns: string,
    private readonly agent: Program,
    readonly startedAt: number,
  ) {}

  static async start(): Promise<IdleAgent> {
    const ns = await createNamespace('bench-idle');
    const scope = { namespaces: [ns], leaseNamespace: ns, node: NODE, port: await freePort(), stateDir: mkdtempSync(join(tmpdir(), 'bench-idle-agent-')) };
    const agent = startAgent(scope, [], 'bench-idle-agent');
    await agentRegistered(ns, NODE);
    return new IdleAgent(ns, agent, Date.now());
  }

  get minutes(): number {
    return (Date.now() - this.startedAt) / 60_000;
  }

  /** Waits until the agent has idled `minutes` since its Lease appeared. */
  async idleFor(minutes: number, log: (l: string) => void): Promise<void> {
    const left = minutes * 60_000 - (Date.now() - this.startedAt);
    if (left <= 0) return;
    log(`  waiting ${Math.ceil(left / 1000)} s more, until the idle agent has idled ${minutes} min`);
    await new Promise((r) => setTimeout(r, left));
  }

  sample(): Promise<number[]> {
    return sampleRss(this.agent.process.pid!);
  }

  async stop(): Promise<void> {
    await this.agent.stop();
    await deleteNamespace(this.ns);
  }
}
