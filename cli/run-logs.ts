// Prints a session's output: from the agent with a fresh secret, or the tail
// kept in the status when the agent cannot be reached or the secret cannot
// be granted (a user who may read sessions but not write them).

import type { DebugSession } from '../crds/types.ts';
import { isNotFound } from '../kube/client.ts';
import { getSession } from '../kube/sessions.ts';
import { grantAttach } from './attach-grant.ts';
import { UserError, describeError } from './errors.ts';
import { openKube } from './kube-context.ts';
import type { Connection } from './options.ts';
import { printLogs, requireStarted } from './session-logs.ts';

export async function sessionLogs(conn: Connection, name: string): Promise<number> {
  const { kube, namespace, log } = await openKube(conn);
  try {
    let session: DebugSession;
    try {
      session = await getSession(kube, namespace, name);
    } catch (err) {
      throw isNotFound(err) ? new UserError(`debug session "${name}" not found in namespace ${namespace}`) : err;
    }
    requireStarted(session);
    let token: string;
    try {
      ({ token, session } = await grantAttach(kube, namespace, name));
    } catch (err) {
      const tail = session.status?.runtime?.outputTail;
      if (tail === undefined) throw err;
      process.stderr.write(`note: could not grant an attach secret (${describeError(err)}); showing the last output kept in the session's status\n`);
      process.stdout.write(tail.endsWith('\n') || !tail ? tail : `${tail}\n`);
      return 0;
    }
    await printLogs(kube, session, token, { portForward: conn.portForward, log });
    return 0;
  } finally {
    kube.close();
  }
}
