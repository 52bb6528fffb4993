// The world of gitops.test.ts: a namespace with Deployment "web" (two busybox
// httpd replicas the scheduler places), an operator and an agent scoped to
// it, the installed CLI, and what the tests do to that world from outside:
// apply manifests as a GitOps tool would, compute the documented pod pick
// independently of the operator, stop and restart the agent.

import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as yaml from 'js-yaml';
import type { DebugSession } from '../crds/types.ts';
import { agentLeaseName, leasesPath } from '../kube/agent-lease.ts';
import type { KubeClient } from '../kube/client.ts';
import { getSession } from '../kube/sessions.ts';
import { microTime } from '../node-agent/lease-heartbeat.ts';
import { BUSYBOX, docker, freePort, installBinDir, run, type Run } from './cli-harness.ts';
import { createNamespace, deleteNamespace, kubeClient, kubectl, kubectlOk, waitFor } from './kubectl.ts';
import { REPO_ROOT } from './prepare.ts';
import { NODE_NAME, startAgent, startOperator, type Program } from './stack.ts';

export const SAMPLES = resolve(REPO_ROOT, 'config/samples');
export const TOOLS = 'kubectl-debug/tools:1';

/** A Deployment of busybox pods serving HTTP on 127.0.0.1:8080, running `extra` too when given. */
export function deployment(name: string, replicas: number, extra = ''): string {
  const serve = extra ? `busybox httpd -p 127.0.0.1:8080 -h /; ${extra}` : 'exec busybox httpd -f -p 127.0.0.1:8080 -h /';
  return yaml.dump({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'httpd', image: BUSYBOX, command: ['sh', '-c', serve] }] },
      },
    },
  });
}

export const manifest = (name: string, spec: object) =>
  yaml.dump({ apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession', metadata: { name }, spec });

export class GitopsStack {
  env: NodeJS.ProcessEnv = {};
  private operator?: Program;
  private agent?: Program;
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'e2e-gitops-agent-'));
  private agentPort = 0;
  private binDir?: string;

  constructor(
    readonly ns: string,
    readonly kube: KubeClient,
  ) {}

  static async start(): Promise<GitopsStack> {
    const stack = new GitopsStack(await createNamespace('e2e-gitops'), await kubeClient());
    await stack.createDeployment(deployment('web', 2));
    stack.agentPort = await freePort();
    // A short resync, so "nothing happens on re-sync" is observed over several resyncs.
    stack.operator = startOperator({ namespaces: [stack.ns], leaseNamespace: stack.ns }, ['--resync-seconds', '5'], 'e2e-gitops-operator');
    await stack.startAgent();
    const binDir = (stack.binDir = installBinDir());
    stack.env = { ...process.env, PATH: `${binDir}:${process.env.PATH}`, KUBECTL_DEBUG_CONFIG: join(binDir, 'no-config') };
    return stack;
  }

  async stop(): Promise<void> {
    await kubectl(['-n', this.ns, 'delete', 'dbg', '--all', '--wait=true', '--timeout=60s']);
    await this.agent?.stop();
    await this.operator?.stop();
    this.kube.close();
    await deleteNamespace(this.ns);
    rmSync(this.stateDir, { recursive: true, force: true });
    if (this.binDir) rmSync(dirname(this.binDir), { recursive: true, force: true });
  }

  async createDeployment(text: string): Promise<void> {
    const name = (yaml.load(text) as { metadata: { name: string } }).metadata.name;
    await kubectlOk(['-n', this.ns, 'apply', '-f', '-'], text);
    await kubectlOk(['-n', this.ns, 'rollout', 'status', `deployment/${name}`, '--timeout=120s']);
  }

  /** `kubectl apply -f` of a file or of manifest text, as Argo CD does; extra args e.g. --server-side. */
  apply(fileOrText: string, extra: string[] = []): Promise<{ stdout: string; stderr: string; code: number }> {
    const isText = fileOrText.includes('\n');
    return kubectl(['-n', this.ns, 'apply', ...extra, '-f', isText ? '-' : fileOrText], { input: isText ? fileOrText : undefined });
  }

  session(name: string): Promise<DebugSession> {
    return getSession(this.kube, this.ns, name);
  }

  waitSession(name: string, check: (s: DebugSession) => unknown, what: string, ms = 60_000): Promise<DebugSession> {
    return waitFor(async () => {
      const s = await this.session(name);
      return check(s) ? s : undefined;
    }, ms, `${name}: ${what}`);
  }

  /** `kubectl wait --for=condition=<type>`, the documented way to wait for a stage. */
  async kubectlWait(name: string, condition: string, seconds: number): Promise<void> {
    await kubectlOk(['-n', this.ns, 'wait', `--for=condition=${condition}`, `dbg/${name}`, `--timeout=${seconds}s`]);
  }

  dbg(args: string[], input?: string): Promise<Run> {
    return run('kubectl-debug', [...args, '-n', this.ns], { env: this.env, input, timeoutMs: 90_000 });
  }

  /**
   * The documented pick, computed here from the pods themselves: among
   * running, undeleted pods with these labels, the earliest status.startTime,
   * ties broken by name.
   */
  async expectedPick(labels: string, except: string[] = []): Promise<string> {
    const pods = JSON.parse(await kubectlOk(['-n', this.ns, 'get', 'pods', '-l', labels, '-o', 'json'])).items as any[];
    const candidates = pods
      .filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp && !except.includes(p.metadata.name))
      .map((p) => ({ name: p.metadata.name as string, start: p.status.startTime as string }))
      .sort((a, b) => (a.start === b.start ? (a.name < b.name ? -1 : 1) : a.start < b.start ? -1 : 1));
    if (!candidates.length) throw new Error(`no running pod with labels ${labels}`);
    return candidates[0]!.name;
  }

  /** IDs of every container, running or not, of the session with this UID. */
  async containersOf(uid: string): Promise<string[]> {
    return (await docker(['ps', '-aq', '--filter', `label=debug.kubectl-debug.dev/session-uid=${uid}`])).split('\n').filter(Boolean);
  }

  async stopAgent(): Promise<void> {
    await this.agent?.stop();
    this.agent = undefined;
  }

  /** The same port and state directory, as a DaemonSet pod restarting on its node. */
  async startAgent(): Promise<void> {
    this.agent = startAgent({ namespaces: [this.ns], leaseNamespace: this.ns, port: this.agentPort, stateDir: this.stateDir }, [], 'e2e-gitops-agent');
    await waitFor(() => connects(this.agentPort), 30_000, `the agent listening on 127.0.0.1:${this.agentPort}`);
  }

  /**
   * Renews the stopped agent's Lease as if it were alive, so the operator
   * keeps assigning to the node while nothing starts containers there.
   * Returns the function that stops renewing.
   */
  async holdAgentLease(): Promise<() => Promise<void>> {
    const path = `${leasesPath(this.ns)}/${agentLeaseName(NODE_NAME)}`;
    const renew = async () => {
      const lease = await this.kube.request('GET', path);
      await this.kube.request('PUT', path, { body: { ...lease, spec: { ...lease.spec, renewTime: microTime(new Date()) } } });
    };
    await renew();
    let pending: Promise<void> = Promise.resolve();
    const timer = setInterval(() => (pending = renew().catch(() => {})), 2_000);
    return async () => {
      clearInterval(timer);
      await pending;
    };
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((r) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), r(true)));
    socket.once('error', () => r(false));
  });
}
