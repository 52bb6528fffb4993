// What the CLI end-to-end tests share: the installed commands (a bin
// directory with kubectl-dbg and kubectl-debug, as `npm install -g` makes
// it), a way to run them, and a real terminal to run them in (tmux).

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './prepare.ts';

/** A directory holding kubectl-dbg and kubectl-debug, both the package's bin/kubectl-debug. */
export function installBinDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'e2e-cli-')), 'bin');
  mkdirSync(dir);
  for (const name of ['kubectl-dbg', 'kubectl-debug']) symlinkSync(resolve(REPO_ROOT, 'bin/kubectl-debug'), join(dir, name));
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => r(port));
    });
  });
}

export interface Run { stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Called with the child once it runs, e.g. to kill it. */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs a command without a terminal: stdin is a pipe (closed after `input`), stdout and stderr are captured apart. */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code, signal });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    opts.onSpawn?.(child);
  });
}

export function docker(args: string[]): Promise<string> {
  return new Promise((r, reject) => execFile('docker', args, (err, stdout) => (err ? reject(err) : r(stdout))));
}

/** A tmux session: a real pseudo-terminal of a known size with a shell in it. */
export class Terminal {
  constructor(readonly name: string) {}

  static start(name: string, env: NodeJS.ProcessEnv, width = 120, height = 40): Terminal {
    // Through env(1): tmux gives a new session's shell the PATH of the tmux client, whatever -e says.
    const vars = ['PATH', 'KUBECONFIG', 'KUBECTL_DEBUG_CONFIG', 'HOME'].flatMap((k) => (env[k] ? [`${k}=${env[k]}`] : []));
    // A plain shell with a fixed prompt, so the screen is predictable.
    tmux(['new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), 'env', ...vars, 'PS1=local$ ', 'bash', '--norc', '--noprofile']);
    return new Terminal(name);
  }

  type(text: string): void {
    tmux(['send-keys', '-t', this.name, '-l', text]);
  }

  /** Keys by tmux name: Enter, C-c, C-d. */
  keys(...keys: string[]): void {
    tmux(['send-keys', '-t', this.name, ...keys]);
  }

  line(text: string): void {
    this.type(text);
    this.keys('Enter');
  }

  screen(): string {
    return tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', this.name]);
  }

  resize(width: number, height: number): void {
    tmux(['resize-window', '-t', this.name, '-x', String(width), '-y', String(height)]);
  }

  /** Waits until the screen matches; throws with the screen when it does not. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      const m = text.match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  kill(): void {
    try {
      tmux(['kill-session', '-t', this.name]);
    } catch {
      // Already gone.
    }
  }
}

function tmux(args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** One test file's world: its namespace with a target pod, an operator and an agent for it, and the installed CLI. */
export interface CliStack {
  ns: string;
  /** Environment to run the CLI in: the bin dir first on PATH, no user config file. */
  env: NodeJS.ProcessEnv;
  binDir: string;
  agentPort: number;
  stop(): Promise<void>;
}

export const BUSYBOX = 'kubectl-debug.local/busybox:1';

export async function startCliStack(prefix: string): Promise<CliStack> {
  const { createNamespace, deleteNamespace, kubectl, kubectlOk } = await import('./kubectl.ts');
  const { startAgent, startOperator, NODE_NAME } = await import('./stack.ts');
  // dist/ is built by e2e/prepare.ts before the suite; building here could race other files' programs.
  const ns = await createNamespace(prefix);
  const podYaml = JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      nodeName: NODE_NAME, terminationGracePeriodSeconds: 1,
      containers: [{ name: 'httpd', image: BUSYBOX, command: ['busybox', 'httpd', '-f', '-p', '127.0.0.1:8080'] }],
    },
  });
  await kubectlOk(['-n', ns, 'create', '-f', '-'], podYaml);
  await kubectlOk(['-n', ns, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=90s']);
  const agentPort = await freePort();
  const scope = { namespaces: [ns], leaseNamespace: ns };
  const operator = startOperator(scope, [], `${prefix}-operator`);
  const agent = startAgent({ ...scope, port: agentPort, stateDir: mkdtempSync(join(tmpdir(), `${prefix}-agent-`)) }, [], `${prefix}-agent`);
  const binDir = installBinDir();
  const env = {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH}`,
    KUBECTL_DEBUG_CONFIG: join(binDir, 'no-debug-config'),
  };
  return {
    ns, env, binDir, agentPort,
    async stop() {
      await kubectl(['-n', ns, 'delete', 'dbg', '--all', '--wait=true', '--timeout=60s']);
      await agent.stop();
      await operator.stop();
      await deleteNamespace(ns);
    },
  };
}
