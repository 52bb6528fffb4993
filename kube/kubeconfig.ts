// Reads where and how to reach the API server: a kubeconfig file (as kubectl
// does) or the pod's service account. Written here rather than taken from
// @kubernetes/client-node because its KubeConfig imports every generated API
// model (0.5 s and ~80 MB), which the CLI's start-up and the per-node agent's
// memory cannot afford.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  server: string;
  ca?: Buffer;
  insecureSkipTLSVerify?: boolean;
  cert?: Buffer;
  key?: Buffer;
  /** Called before each request; returns a bearer token or undefined. */
  token?: () => Promise<string | undefined>;
  /** The context's namespace, or the pod's own when in a cluster. */
  namespace: string;
  /** Who this is, for labels and logs: the context's user name. */
  user: string;
  /** The kubeconfig's `as`, `as-groups`, ...: requests are made as that user, as kubectl does. */
  impersonate?: { user: string; groups?: string[]; uid?: string; extra?: Record<string, string[]> };
}

/**
 * Reads a YAML document. Passed in rather than imported here: the CLI has
 * js-yaml loaded anyway and a bundle that also imports it lazily compiles it
 * later and slower (15 ms of every start); the agent and operator import it
 * only for a YAML file (kube/yaml-on-demand.ts).
 */
export type YamlParser = (text: string) => unknown;

export interface LoadOptions {
  kubeconfig?: string;
  context?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export async function loadCredentials(opts: LoadOptions, parseYaml: YamlParser): Promise<Credentials> {
  const path = opts.kubeconfig ?? firstKubeconfigPath();
  if (path) return fromKubeconfig(path, await parseKubeconfig(readFileSync(path, 'utf8'), parseYaml), opts.context);
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(join(SERVICE_ACCOUNT_DIR, 'token'))) return inCluster();
  throw new Error('no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or create ~/.kube/config');
}

function firstKubeconfigPath(): string | undefined {
  const fromEnv = process.env.KUBECONFIG?.split(':').find((p) => p && existsSync(p));
  if (fromEnv) return fromEnv;
  const home = join(homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

function inCluster(): Credentials {
  const tokenFile = join(SERVICE_ACCOUNT_DIR, 'token');
  const host = process.env.KUBERNETES_SERVICE_HOST!;
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${process.env.KUBERNETES_SERVICE_PORT ?? '443'}`,
    ca: readFileSync(join(SERVICE_ACCOUNT_DIR, 'ca.crt')),
    // The kubelet rotates projected tokens, so read it each time.
    token: async () => readFileSync(tokenFile, 'utf8').trim(),
    namespace: readFileSync(join(SERVICE_ACCOUNT_DIR, 'namespace'), 'utf8').trim(),
    user: 'serviceaccount',
  };
}

interface Named<T> { name: string; [key: string]: unknown; cluster?: T; user?: T; context?: T }

// JSON is YAML too, and `kubectl config view --raw -o json` writes it: read
// that way, no YAML parser is needed (an agent's or operator's ~5 MB).
async function parseKubeconfig(text: string, parseYaml: YamlParser): Promise<Record<string, any>> {
  if (text.trimStart().startsWith('{')) return JSON.parse(text);
  return ((await parseYaml(text)) ?? {}) as Record<string, any>;
}

function fromKubeconfig(path: string, doc: Record<string, any>, contextName?: string): Credentials {
  const name = contextName ?? doc['current-context'];
  if (!name) throw new Error(`${path} has no current-context; pass --context`);
  const find = (list: Named<any>[] | undefined, what: string, wanted: string) => {
    const entry = list?.find((e) => e.name === wanted);
    if (!entry) throw new Error(`${what} "${wanted}" not found in ${path}`);
    return entry;
  };
  const context = find(doc.contexts, 'context', name).context ?? {};
  const cluster = find(doc.clusters, 'cluster', context.cluster).cluster ?? {};
  const user = context.user ? find(doc.users, 'user', context.user).user ?? {} : {};
  const bytes = (data?: string, file?: string) =>
    data ? Buffer.from(data, 'base64') : file ? readFileSync(file) : undefined;
  return {
    server: cluster.server,
    ca: bytes(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    cert: bytes(user['client-certificate-data'], user['client-certificate']),
    key: bytes(user['client-key-data'], user['client-key']),
    token: tokenSource(user),
    namespace: context.namespace ?? 'default',
    user: context.user ?? 'unknown',
    impersonate: user.as
      ? { user: user.as, groups: user['as-groups'], uid: user['as-uid'], extra: user['as-user-extra'] }
      : undefined,
  };
}

function tokenSource(user: Record<string, any>): Credentials['token'] {
  if (user.token) return async () => user.token;
  if (user.tokenFile) return async () => readFileSync(user.tokenFile, 'utf8').trim();
  if (user.exec) return execPluginToken(user.exec);
  return undefined;
}

/** Runs a client-go credential plugin (EKS, GKE, OIDC helpers) and caches its token until it expires. */
function execPluginToken(exec: { apiVersion?: string; command: string; args?: string[]; env?: { name: string; value: string }[] }) {
  let cached: { token: string; expires: number } | undefined;
  return async () => {
    if (cached && cached.expires > Date.now() + 10_000) return cached.token;
    // What client-go tells a plugin about the call; some plugins refuse to run without it.
    const execInfo = { apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false } };
    const env = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(execInfo), ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])) };
    // Loaded here: most kubeconfigs have no plugin, and child_process costs every start a few ms.
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout } = await promisify(execFile)(exec.command, exec.args ?? [], { env });
    const status = JSON.parse(stdout).status ?? {};
    const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Date.now() + 60_000;
    cached = { token: status.token, expires };
    return cached.token;
  };
}
