// Output of a session that ran without a client: from the agent, or, when
// the agent cannot be reached (node gone, no route), the last lines the agent
// kept in the session's status, with a note saying which it is.

import { pipeline } from 'node:stream/promises';
import type { DebugSession } from '../crds/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { UserError } from './errors.ts';

export async function printLogs(
  kube: KubeClient,
  session: DebugSession,
  token: string,
  opts: { portForward: boolean; log: (line: string) => void },
): Promise<void> {
  try {
    const { fetchFromAgent } = await import('./agent-fetch.ts');
    const res = await fetchFromAgent(kube, session, 'logs', token, opts);
    await pipeline(res, process.stdout, { end: false });
    return;
  } catch (err) {
    const tail = session.status?.runtime?.outputTail;
    if (tail === undefined) throw err;
    process.stderr.write(`note: could not get the logs from the agent (${(err as Error).message}); showing the last output kept in the session's status\n`);
    process.stdout.write(tail.endsWith('\n') || !tail ? tail : `${tail}\n`);
  }
}

/** Fails with a clear message when a session never ran, so there is nothing to show. */
export function requireStarted(session: DebugSession): void {
  const runtime = session.status?.runtime;
  if (!runtime?.startedAt && !runtime?.attachURL && runtime?.outputTail === undefined) {
    throw new UserError(`debug session ${session.metadata.name} has not started (phase ${session.status?.phase ?? 'Pending'}); nothing to show yet`);
  }
}
