// Deletes each named session; like kubectl, goes on after a missing one and
// exits 1 if any failed.

import { GROUP } from '../crds/types.ts';
import { isNotFound } from '../kube/client.ts';
import { sessionPath } from '../kube/sessions.ts';
import { describeError } from './errors.ts';
import { openKube } from './kube-context.ts';
import type { Connection } from './options.ts';

export async function deleteSessions(conn: Connection, names: string[]): Promise<number> {
  const { kube, namespace } = await openKube(conn);
  let failed = 0;
  try {
    for (const name of names) {
      try {
        await kube.request('DELETE', sessionPath(namespace, name));
        process.stdout.write(`debugsession.${GROUP} "${name}" deleted\n`);
      } catch (err) {
        failed++;
        const why = isNotFound(err) ? `debugsession.${GROUP} "${name}" not found in namespace ${namespace}` : describeError(err);
        process.stderr.write(`error: ${why}\n`);
      }
    }
  } finally {
    kube.close();
  }
  return failed ? 1 : 0;
}
