// kubectl and namespaces for e2e tests: every test works in a namespace of
// its own with a generated name, deleted in its clean-up.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as yaml from 'js-yaml';
import { KubeClient } from '../kube/client.ts';
import { loadCredentials } from '../kube/kubeconfig.ts';

export interface KubectlResult { stdout: string; stderr: string; code: number }

/** Runs kubectl from the cluster build (KUBECTL, set by scripts/run-tests.ts). */
export function kubectl(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> {
  const bin = process.env.KUBECTL ?? 'kubectl';
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env: { ...process.env, ...opts.env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Like kubectl, but throws with kubectl's stderr when it fails. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export const suffix = () => randomBytes(3).toString('hex');

/** Creates a namespace with a generated name and waits for its default ServiceAccount. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${suffix()}`;
  await kubectlOk(['create', 'namespace', name]);
  await waitFor(async () => (await kubectl(['-n', name, 'get', 'serviceaccount', 'default'])).code === 0, 30_000, `default ServiceAccount in ${name}`);
  return name;
}

export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
}

/** Polls until check() is truthy; throws naming what was awaited after timeoutMs. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function kubeClient(): Promise<KubeClient> {
  return new KubeClient(await loadCredentials({}, yaml.load));
}

/** uvu fails a suite whose hook throws without saying why; this says why. */
export function logged<C>(name: string, hook: (ctx: C) => Promise<void>): (ctx: C) => Promise<void> {
  return async (ctx) => {
    try {
      await hook(ctx);
    } catch (err) {
      console.error(`\n${name} failed:`, err);
      throw err;
    }
  };
}
