// Brings up the local cluster for the e2e suite and installs the CRD, then
// hands the suite the environment that points at it.

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

type Run = (cmd: string, args: string[]) => Promise<number>;

export async function prepareE2E(run: Run): Promise<Record<string, string> | undefined> {
  if ((await run('bash', [resolve(REPO_ROOT, 'e2e/cluster/up.sh')])) !== 0) return undefined;
  // The demo's operator and agent watch every namespace and would act on the
  // tests' sessions too; each test file runs its own, scoped to its namespace.
  await run('sh', ['-c', `for f in ${REPO_ROOT}/.cluster/run/demo-*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; rm -f "$f"; done; true`]);
  // The e2e suite runs the programs as users do: from their bundles.
  if ((await run(process.execPath, [resolve(REPO_ROOT, 'scripts/build.mjs')])) !== 0) return undefined;
  const binDir = execFileSync('bash', [resolve(REPO_ROOT, 'e2e/cluster/build.sh')], { encoding: 'utf8' }).trim();
  const env = {
    KUBECONFIG: resolve(REPO_ROOT, '.cluster/kubeconfig'),
    KUBECTL: resolve(binDir, 'kubectl'),
    PATH: `${binDir}:${process.env.PATH}`,
  };
  const kubectl = (args: string[]) =>
    execFileSync(env.KUBECTL, args, { env: { ...process.env, ...env }, stdio: 'inherit' });
  kubectl(['apply', '--server-side', '--force-conflicts', '-f', resolve(REPO_ROOT, 'config/crd/debugsessions.yaml')]);
  kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/debugsessions.debug.kubectl-debug.dev']);
  return env;
}
