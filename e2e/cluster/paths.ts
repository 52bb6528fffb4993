// Where the local test cluster (e2e/cluster/up.sh) keeps its files, for
// tests and scripts written in TypeScript. The shell counterpart is env.sh.

import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const repoRoot = resolve(here, '../..');
/** Everything the cluster writes for this checkout. */
export const clusterDir = join(repoRoot, '.cluster');
/** Admin kubeconfig (group system:masters), certificates embedded. */
export const kubeconfig = join(clusterDir, 'kubeconfig');
/** One log per component: `<component>.log`. */
export const logDir = join(clusterDir, 'logs');
/** One pid file per component that up.sh started: `<component>.pid`. */
export const runDir = join(clusterDir, 'run');

let bin: string | undefined;

/**
 * The directory of the cluster's binaries (kubectl, kubelet, ...): the link
 * up.sh made, else what build.sh prints (which builds them when missing).
 */
export function binDir(): string {
  if (bin) return bin;
  const link = join(clusterDir, 'bin');
  bin = existsSync(join(link, 'kubectl'))
    ? realpathSync(link)
    : execFileSync('bash', [join(here, 'build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return bin;
}

/** kubectl of the cluster's version: $KUBECTL when set, else the cluster build's. */
export function kubectlPath(): string {
  return process.env.KUBECTL || join(binDir(), 'kubectl');
}

/** The environment for a child process that talks to the local cluster. */
export function clusterEnv(): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: kubeconfig, KUBECTL: kubectlPath() };
}
