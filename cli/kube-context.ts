// The API connection of one run: credentials from the kubeconfig (our own
// loader; @kubernetes/client-node would cost half a second at start-up) and
// the namespace, by kubectl's rule: flag, then config file, then the context's.

import * as yaml from 'js-yaml';
import { KubeClient } from '../kube/client.ts';
import { loadCredentials } from '../kube/kubeconfig.ts';
import { UserError } from './errors.ts';
import type { Connection } from './options.ts';

export interface KubeContext {
  kube: KubeClient;
  namespace: string;
  /** Prints a line on stderr under -v; never give it a secret. */
  log: (line: string) => void;
}

export async function openKube(conn: Connection): Promise<KubeContext> {
  let credentials;
  try {
    credentials = await loadCredentials({ kubeconfig: conn.kubeconfig, context: conn.context }, yaml.load);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  if (!credentials.server) throw new UserError('the kubeconfig context has no cluster server address');
  const log = conn.verbose ? (line: string) => process.stderr.write(`${line}\n`) : () => {};
  return { kube: new KubeClient(credentials), namespace: conn.namespace ?? credentials.namespace, log };
}
