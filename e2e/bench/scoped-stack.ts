// One namespace with the operator and an agent scoped to it, target pods
// made on demand, and the installed CLI: what the benchmark, the load test
// and the chaos test each need for themselves. Unlike cli-harness's
// startCliStack it takes extra flags (room for 20+ sessions, short operator
// bounds) and can kill and restart either program with the same state.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, installBinDir } from '../cli-harness.ts';
import { createNamespace, deleteNamespace, kubectl, kubectlOk } from '../kubectl.ts';
import { agentRegistered, NODE_NAME, startAgent, startOperator, type Program } from '../stack.ts';

export const BUSYBOX = 'kubectl-debug.local/busybox:1';
export const TOOLS = 'kubectl-debug/tools:1';
/** The label every debug container carries (docs/architecture.md, "Nothing left behind"). */
export const SESSION_UID_LABEL = 'debug.kubectl-debug.dev/session-uid';
export const SESSION_LABEL = 'debug.kubectl-debug.dev/session';

export interface TargetPod {
  name: string;
  container: string;
  /** Docker ID of the target container (without `docker://`). */
  containerID: string;
}

export interface StackOptions {
  prefix: string;
  operatorFlags?: string[];
  agentFlags?: string[];
}

export class ScopedStack {
  operator!: Program;
  agent!: Program;

  private constructor(
    readonly ns: string,
    readonly agentPort: number,
    /** Kept across agent restarts: its TLS identity and used secrets live here. */
    readonly stateDir: string,
    /** Environment for the installed CLI: its bin dir first on PATH, no user config file. */
    readonly env: NodeJS.ProcessEnv,
    private readonly opts: StackOptions,
  ) {}

  static async start(opts: StackOptions): Promise<ScopedStack> {
    const ns = await createNamespace(opts.prefix);
    const binDir = installBinDir();
    const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, KUBECTL_DEBUG_CONFIG: join(binDir, 'no-debug-config') };
    const stack = new ScopedStack(ns, await freePort(), mkdtempSync(join(tmpdir(), `${opts.prefix}-agent-`)), env, opts);
    stack.startOperator();
    stack.startAgent();
    await agentRegistered(ns);
    return stack;
  }

  get scope() {
    return { namespaces: [this.ns], leaseNamespace: this.ns };
  }

  startOperator(): Program {
    return (this.operator = startOperator(this.scope, this.opts.operatorFlags ?? [], `${this.opts.prefix}-operator`));
  }

  startAgent(): Program {
    const scope = { ...this.scope, port: this.agentPort, stateDir: this.stateDir };
    return (this.agent = startAgent(scope, this.opts.agentFlags ?? [], `${this.opts.prefix}-agent`));
  }

  /** A busybox pod on the node running `command` (default: sleep); waits until Ready. */
  async createPod(name: string, command: string[] = ['sleep', '1000000']): Promise<TargetPod> {
    await kubectlOk(['-n', this.ns, 'create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } },
      spec: {
        nodeName: NODE_NAME, terminationGracePeriodSeconds: 1,
        containers: [{ name: 'app', image: BUSYBOX, imagePullPolicy: 'Never', command }],
      },
    }));
    await kubectlOk(['-n', this.ns, 'wait', '--for=condition=Ready', `pod/${name}`, '--timeout=90s']);
    const id = await kubectlOk(['-n', this.ns, 'get', 'pod', name, '-o', 'jsonpath={.status.containerStatuses[0].containerID}']);
    return { name, container: 'app', containerID: id.replace('docker://', '').trim() };
  }

  /** Deletes every session while both programs still run to clean up after them, then stops them and drops the namespace. */
  async stop(): Promise<void> {
    await kubectl(['-n', this.ns, 'delete', 'dbg', '--all', '--wait=true', '--timeout=90s']);
    await this.agent?.stop();
    await this.operator?.stop();
    await deleteNamespace(this.ns);
  }
}
