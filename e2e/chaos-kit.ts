// What the failure-path tests share (e2e/chaos.test.ts, e2e/platform-restarts.test.ts):
// a CLI run whose output is kept, sessions found by a marker word on their
// command line, and bounded waits for the CLI to end.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type { DebugSession } from '../crds/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { sessionsPath } from '../kube/sessions.ts';
import type { ScopedStack } from './bench/scoped-stack.ts';
import { kubectlOk, waitFor } from './kubectl.ts';

export interface Cli { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> }

/** A command that runs until it is stopped, with the marker in its argv (`$0` of the shell). */
export const marked = (marker: string, script = 'sleep 3600') => ['sh', '-c', script, marker];

export const running = (s: DebugSession) => s.status?.phase === 'Running';
export const withClient = (s: DebugSession) => running(s) && (s.status?.runtime?.attachedClients ?? 0) > 0;
export const finishedWith = (reason: string) => (s: DebugSession) =>
  s.status?.conditions?.some((c) => c.type === 'Finished' && c.reason === reason) === true;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChaosKit {
  constructor(private readonly stack: () => ScopedStack, private readonly kube: KubeClient) {}

  startCli(args: string[], keepStdinOpen = false): Cli {
    const { ns, env } = this.stack();
    const child = spawn('kubectl-debug', ['-n', ns, ...args], { env, stdio: [keepStdinOpen ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    return { child, out: () => out, err: () => err, exited };
  }

  sessionWith(marker: string, ok: (s: DebugSession) => boolean, what: string, ms = 60_000): Promise<DebugSession> {
    return waitFor(async () => {
      const list = await this.kube.request<{ items: DebugSession[] }>('GET', sessionsPath(this.stack().ns));
      // The CLI splits argv into spec.command (the first word) and spec.args.
      return list.items.find((s) => [...(s.spec.command ?? []), ...(s.spec.args ?? [])].includes(marker) && ok(s));
    }, ms, `session of ${marker}: ${what}`);
  }

  deleteSession(s: DebugSession): Promise<string> {
    return kubectlOk(['-n', this.stack().ns, 'delete', 'dbg', s.metadata.name!, '--wait=false']);
  }
}

/** The CLI's exit code, or a failure (and a SIGKILL) when it did not end within ms. */
export async function exitWithin(cli: Cli, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
  const code = await Promise.race([cli.exited, timeout]);
  clearTimeout(timer);
  if (code === 'timeout') {
    cli.child.kill('SIGKILL');
    throw new Error(`the CLI did not exit within ${ms / 1000} s; stderr: ${cli.err()}`);
  }
  return code;
}

/** The host pid of a session's debug container. */
export const containerPid = (s: DebugSession) =>
  execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', `kubectl-debug-${s.metadata.uid}`], { encoding: 'utf8' }).trim();
