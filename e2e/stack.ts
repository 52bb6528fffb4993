// Starts the operator and the node agent as plain processes against the local
// cluster, each with its own log under .cluster/logs/, for one e2e test file.
// Each file scopes them to its own namespace, so files never see each other's
// sessions, and stops them in its `after` hook.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { agentNodeFlags } from '../config/images/agent-node-flags.ts';
import { agentLeaseName } from '../kube/agent-lease.ts';
import { kubectl, waitFor } from './kubectl.ts';
import { REPO_ROOT } from './prepare.ts';

export const NODE_NAME = '127.0.0.1';

export interface Program {
  process: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

// The programs get the kubeconfig as JSON (`kubectl config view -o json`), so
// they never load the YAML parser, as in a cluster, where they read their
// service account: the agent's memory in the benchmark is the deployed one's.
let jsonKubeconfig: string | undefined;
function kubeconfigAsJson(): string {
  if (jsonKubeconfig) return jsonKubeconfig;
  const json = execFileSync(process.env.KUBECTL ?? 'kubectl', ['config', 'view', '--raw', '--minify', '-o', 'json'], { encoding: 'utf8' });
  const file = resolve(REPO_ROOT, '.cluster', 'programs-kubeconfig.json');
  // Each test file's process writes the same content; the rename keeps readers from a half-written one.
  writeFileSync(`${file}.${process.pid}`, json, { mode: 0o600 });
  renameSync(`${file}.${process.pid}`, file);
  return (jsonKubeconfig = file);
}

function start(name: string, bundle: string, args: string[], nodeFlags: string[] = []): Program {
  const logDir = resolve(REPO_ROOT, '.cluster/logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = resolve(logDir, `${name}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...nodeFlags, resolve(REPO_ROOT, 'dist', bundle), '--kubeconfig', kubeconfigAsJson(), ...args], {
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    process: child,
    logFile,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface Scope {
  /** Namespace(s) the programs watch: the test file's own. */
  namespaces: string[];
  /** Where agents put their Leases and the operator looks for them. */
  leaseNamespace: string;
}

export function startOperator(scope: Scope, extra: string[] = [], name = 'e2e-operator'): Program {
  return start(name, 'operator.cjs', [
    '--namespaces', scope.namespaces.join(','),
    '--lease-namespace', scope.leaseNamespace,
    '--health-addr', '127.0.0.1:0',
    '--metrics-addr', '127.0.0.1:0',
    ...extra,
  ]);
}

/** `node` other than the real one only for an agent that must never own a debug container (its sweep would remove the real agent's). */
export function startAgent(scope: Scope & { port: number; stateDir: string; node?: string }, extra: string[] = [], name = 'e2e-agent'): Program {
  return start(name, 'node-agent.cjs', [
    '--node-name', scope.node ?? NODE_NAME,
    '--namespaces', scope.namespaces.join(','),
    '--lease-namespace', scope.leaseNamespace,
    '--listen', `127.0.0.1:${scope.port}`,
    '--state-dir', scope.stateDir,
    ...extra,
  ], agentNodeFlags());
}

/** The agent of `node` has registered: its Lease exists, so the operator can assign it sessions. */
export async function agentRegistered(leaseNamespace: string, node = NODE_NAME): Promise<void> {
  const lease = agentLeaseName(node);
  await waitFor(async () => (await kubectl(['-n', leaseNamespace, 'get', 'lease', lease])).code === 0, 30_000, `the Lease ${lease}`);
}
