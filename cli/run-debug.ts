// `kubectl dbg POD`: create a DebugSession that already carries the hash of
// this run's attach secret (so no second write is needed), wait for it,
// attach, and delete it on the way out unless --keep.

import { hostname, userInfo } from 'node:os';
import { newAttachToken } from '../attach/attach-token.ts';
import { GROUP, type DebugSession } from '../crds/types.ts';
import { isNotFound, type KubeClient } from '../kube/client.ts';
import { sessionPath, sessionsPath } from '../kube/sessions.ts';
import { joinSession } from './join-session.ts';
import { openKube } from './kube-context.ts';
import { sessionManifest, type Requester } from './manifest.ts';
import type { DebugOptions } from './options.ts';
import type { Shutdown } from './shutdown.ts';

export async function runDebug(opts: DebugOptions, shutdown: Shutdown): Promise<number> {
  const { kube, namespace, log } = await openKube(opts);
  const secret = newAttachToken(new Date());
  const manifest = sessionManifest(opts, namespace, requester(kube), opts.detach ? undefined : secret.grant);
  log(`Creating a DebugSession for pod ${namespace}/${opts.pod}${opts.command.length ? ` running ${JSON.stringify(opts.command)}` : ''} (stdin ${opts.stdin}, tty ${opts.tty})`);
  const created = await kube.request<DebugSession>('POST', sessionsPath(namespace), { body: manifest });
  const name = created.metadata.name!;
  let commandEnded = false;
  try {
    if (opts.detach) {
      // The name alone on stdout, so `s=$(kubectl dbg POD --detach)` works.
      process.stdout.write(`${name}\n`);
      process.stderr.write(`Created debug session ${name}; attach with: kubectl dbg attach ${name} -n ${namespace}\n`);
      return 0;
    }
    log(`Created debug session ${namespace}/${name}`);
    const code = await joinSession(kube, created, { token: secret.token, expiresAt: secret.grant.expiresAt }, { ...opts, log }, shutdown);
    commandEnded = true;
    return code;
  } finally {
    if (!opts.detach) await endSession(kube, namespace, name, opts.keep, commandEnded, log);
    kube.close();
  }
}

async function endSession(kube: KubeClient, namespace: string, name: string, keep: boolean, commandEnded: boolean, log: (line: string) => void): Promise<void> {
  if (keep) {
    // Once the command has ended there is nothing to attach to, only its recording.
    const next = commandEnded ? `replay it with: kubectl dbg replay ${name}` : `attach again with: kubectl dbg attach ${name}`;
    process.stderr.write(`Kept debug session ${name}; ${next} -n ${namespace}\n`);
    return;
  }
  try {
    // The operator's finalizer holds the object until the agent removed the container; no need to wait for that here.
    await kube.request('DELETE', sessionPath(namespace, name), { signal: AbortSignal.timeout(5000) });
    log(`Deleted debugsession.${GROUP}/${name}`);
  } catch (err) {
    if (isNotFound(err)) return;
    process.stderr.write(`warning: could not delete debug session ${name} (${(err as Error).message}); delete it with: kubectl dbg delete ${name} -n ${namespace}\n`);
  }
}

function requester(kube: KubeClient): Requester {
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep $USER.
  }
  return { user, host: hostname(), kubeUser: kube.credentials.user };
}
