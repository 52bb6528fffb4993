// Attaching to an existing session: grant a fresh secret on it, then join as
// the main command does. The session is someone's declared object, so it is
// never deleted here.

import { isFinished } from '../crds/types.ts';
import { grantAttach } from './attach-grant.ts';
import { UserError } from './errors.ts';
import { joinSession } from './join-session.ts';
import { openKube } from './kube-context.ts';
import type { Connection } from './options.ts';
import { failureMessage } from './readiness.ts';
import type { Shutdown } from './shutdown.ts';
import { getSession } from '../kube/sessions.ts';
import { isNotFound } from '../kube/client.ts';
import { TOKEN_LIFETIME_MS } from '../attach/attach-token.ts';

export async function attachExisting(conn: Connection, name: string, timeoutSeconds: number, shutdown: Shutdown): Promise<number> {
  const { kube, namespace, log } = await openKube(conn);
  try {
    const current = await getSession(kube, namespace, name).catch((err) => {
      throw isNotFound(err) ? new UserError(`debug session "${name}" not found in namespace ${namespace}`) : err;
    });
    if (isFinished(current)) {
      const how = current.status?.phase === 'Failed' ? `failed: ${failureMessage(current)}` : 'has finished';
      throw new UserError(`debug session ${name} ${how}; see its output with: kubectl dbg logs ${name} -n ${namespace}`);
    }
    const { token, session } = await grantAttach(kube, namespace, name);
    log(`Granted a new attach secret on debug session ${namespace}/${name}`);
    const spec = session.spec;
    const expiresAt = session.spec.attach?.expiresAt ?? new Date(Date.now() + TOKEN_LIFETIME_MS).toISOString();
    return await joinSession(
      kube,
      session,
      { token, expiresAt },
      { stdin: spec.stdin ?? false, tty: spec.tty ?? false, portForward: conn.portForward, timeoutSeconds, log },
      shutdown,
    );
  } finally {
    kube.close();
  }
}
