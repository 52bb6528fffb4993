// What the node agent's tests share (e2e/agent-launch.test.ts,
// e2e/agent-refusals.test.ts, e2e/agent-lifecycle.test.ts): a stack of their
// own per file (namespaces, operator, agent, and a busybox pod "web" serving
// HTTP on 127.0.0.1:8080 that sessions target), sessions created as the CLI
// does, and clients independent of the CLI (raw `ws`, plain HTTPS).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { newAttachToken } from '../attach/attach-token.ts';
import { Channel, exitCodeOf } from '../attach/channel-protocol.ts';
import { API_VERSION, KIND, type DebugSession, type DebugSessionSpec } from '../crds/types.ts';
import { PATCH, type KubeClient } from '../kube/client.ts';
import { sessionPath, sessionsPath } from '../kube/sessions.ts';
import { freePort } from './cli-harness.ts';
import { createNamespace, deleteNamespace, kubeClient, kubectlOk, waitFor } from './kubectl.ts';
import { startAgent, startOperator, type Program } from './stack.ts';

export const run = promisify(execFile);
export const docker = async (...args: string[]) => (await run('docker', args)).stdout.trim();

export const ready = (s: DebugSession) => s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && s.status.runtime?.attachURL;

export const containerGone = async (uid: string) =>
  (await docker('ps', '-a', '--filter', `name=kubectl-debug-${uid}`, '--format', '{{.ID}}')) === '';

// ---- the stack -------------------------------------------------------------------

export class AgentStack {
  operator: Program | undefined;
  agent: Program | undefined;

  private constructor(
    readonly kube: KubeClient,
    readonly ns: string,
    readonly leaseNs: string,
    readonly port: number,
    readonly stateDir: string,
  ) {}

  static async start(): Promise<AgentStack> {
    const kube = await kubeClient();
    const ns = await createNamespace('agent');
    const stack = new AgentStack(kube, ns, await createNamespace('agent-lease'), await freePort(), mkdtempSync(join(tmpdir(), 'agent-e2e-')));
    try {
      stack.launchOperator();
      stack.launchAgent();
      // The target: an HTTP server on the pod's loopback, and a file in the pod's shared memory.
      await kubectlOk(['apply', '-f', '-'], JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: ns },
        spec: {
          nodeName: '127.0.0.1', terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'app', image: 'kubectl-debug.local/busybox:1', imagePullPolicy: 'Never',
            command: ['sh', '-c', 'echo pod-ipc > /dev/shm/marker; httpd -f -p 127.0.0.1:8080 -h /etc & exec sleep 1000000'],
          }],
        },
      }));
      await kubectlOk(['-n', ns, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=90s']);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  async stop(): Promise<void> {
    const { ns } = this;
    // Sessions first, while the agent and operator still run to clean up after them.
    await kubectlOk(['-n', ns, 'delete', 'debugsessions', '--all', '--wait=false']).catch(() => {});
    await waitFor(async () => (await kubectlOk(['-n', ns, 'get', 'debugsessions', '-o', 'name'])).trim() === '', 60_000, 'sessions to go')
      .catch((err) => console.error(err.message));
    await this.agent?.stop();
    await this.operator?.stop();
    await kubectlOk(['-n', ns, 'delete', 'pod', 'web', '--wait=false']).catch(() => {});
    await deleteNamespace(ns);
    await deleteNamespace(this.leaseNs);
    this.kube.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  launchOperator(): Program {
    return (this.operator = startOperator({ namespaces: [this.ns], leaseNamespace: this.leaseNs }));
  }

  /** The same port and state directory each time, as an agent restarting on its node. */
  launchAgent(extra: string[] = []): Program {
    return (this.agent = startAgent({ namespaces: [this.ns], leaseNamespace: this.leaseNs, port: this.port, stateDir: this.stateDir }, extra));
  }

  /** Waits until a (re)started agent answers on its port. */
  agentListening() {
    return waitFor(async () => (await agentGet(`https://127.0.0.1:${this.port}/healthz`, '').catch(() => undefined))?.status === 200, 30_000, 'the agent to listen');
  }

  // ---- sessions -------------------------------------------------------------

  getSession(name: string) {
    return this.kube.request<DebugSession>('GET', sessionPath(this.ns, name));
  }

  /**
   * Creates a session targeting the web pod with a one-time secret (as the CLI
   * does, so its command waits for the first client); returns the secret.
   * `grantLifetimeMs: null` leaves the grant out, as `kubectl apply` does.
   */
  async createSession(name: string, spec: Partial<DebugSessionSpec>, grantLifetimeMs?: number | null): Promise<string> {
    const { token, grant } = newAttachToken(new Date());
    if (grantLifetimeMs) grant.expiresAt = new Date(Date.now() + grantLifetimeMs).toISOString();
    const attach = grantLifetimeMs === null ? {} : { attach: grant };
    const body = { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace: this.ns }, spec: { target: { pod: 'web' }, ...spec, ...attach } };
    await this.kube.request('POST', sessionsPath(this.ns), { body });
    return token;
  }

  /** A fresh secret for another attach, as a client writes it. */
  async regrant(name: string, lifetimeMs?: number): Promise<string> {
    const { token, grant } = newAttachToken(new Date());
    if (lifetimeMs !== undefined) grant.expiresAt = new Date(Date.now() + lifetimeMs).toISOString();
    await this.kube.request('PATCH', sessionPath(this.ns, name), { contentType: PATCH.merge, body: { spec: { attach: grant } } });
    return token;
  }

  waitSession(name: string, check: (s: DebugSession) => unknown, what: string, timeoutMs = 30_000): Promise<DebugSession> {
    return waitFor(async () => {
      const s = await this.getSession(name);
      return check(s) ? s : undefined;
    }, timeoutMs, `${what} of session ${name}`);
  }

  /**
   * Runs a one-shot command in an unattended debug container (it starts at
   * once) and attaches after its exit: the output nobody saw yet and the exit code.
   */
  async runInDebugContainer(name: string, command: string[], image?: string) {
    await this.createSession(name, { command, ...(image ? { image } : {}) }, null);
    const s = await this.waitSession(name, (x) => x.status?.runtime?.exitCode !== undefined && x.status.runtime.attachURL, 'exit');
    const a = await attached(s.status!.runtime!.attachURL!, await this.regrant(name));
    const code = await a.done;
    return { stdout: a.stdout(), stderr: a.stderr(), code, session: s };
  }
}

// ---- an independent attach client (raw ws) -----------------------------------

export interface Attached {
  ws: WebSocket;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code from channel 3 (undefined if none) once the agent closes. */
  done: Promise<number | undefined>;
}

export type Refused = { refused: number; body: string };

export function attachRaw(url: string, token: string | undefined, opts: { protocols?: string[] } = {}): Promise<Attached | Refused> {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const ws = new WebSocket(url, opts.protocols ?? ['v5.channel.k8s.io', 'v4.channel.k8s.io'], { headers, rejectUnauthorized: false });
  let stdout = '';
  let stderr = '';
  let status: any;
  ws.on('message', (data: Buffer) => {
    if (data[0] === Channel.stdout) stdout += data.subarray(1).toString();
    else if (data[0] === Channel.stderr) stderr += data.subarray(1).toString();
    else if (data[0] === Channel.status) status = JSON.parse(data.subarray(1).toString());
  });
  const done = new Promise<number | undefined>((r) => ws.on('close', () => r(status ? exitCodeOf(status) : undefined)));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ refused: res.statusCode ?? 0, body }));
    });
    ws.once('open', () => resolve({ ws, stdout: () => stdout, stderr: () => stderr, done }));
    ws.once('error', reject);
  });
}

export async function attached(url: string, token: string): Promise<Attached> {
  const a = await attachRaw(url, token);
  if ('refused' in a) throw new Error(`attach refused: HTTP ${a.refused} ${a.body}`);
  return a;
}

export async function refusal(url: string, token: string | undefined): Promise<Refused> {
  const a = await attachRaw(url, token);
  if (!('refused' in a)) {
    a.ws.terminate();
    throw new Error('attach was accepted but should have been refused');
  }
  return a;
}

export function agentGet(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** `seq 1 n` as it prints it. */
export const seqText = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
