// What a session can leave behind, counted for one namespace, so that the
// chaos and load tests can require each count to reach zero within a bound:
// debug containers (by their labels), sessions held by a finalizer after
// their deletion, and processes of the debug commands (by a marker word
// the test puts on their command line; the host sees every container's
// processes).

import { execFile } from 'node:child_process';
import type { DebugSession } from '../../crds/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import { sessionsPath } from '../../kube/sessions.ts';
import { waitFor } from '../kubectl.ts';
import { SESSION_LABEL, SESSION_UID_LABEL } from './scoped-stack.ts';

const exec = (cmd: string, args: string[]) =>
  new Promise<{ stdout: string; code: number }>((resolve) =>
    execFile(cmd, args, (err, stdout) => resolve({ stdout, code: err ? Number((err as { code?: number }).code ?? 1) : 0 })),
  );

/** Debug containers of this namespace's sessions, running or not. */
export async function containersLeft(ns: string): Promise<string[]> {
  const { stdout } = await exec('docker', ['ps', '-a', '--filter', `label=${SESSION_UID_LABEL}`, '--format', `{{.ID}} {{.Label "${SESSION_LABEL}"}}`]);
  return stdout.split('\n').filter((l) => l.split(' ')[1]?.startsWith(`${ns}.`)).map((l) => l.split(' ')[0]!);
}

/** Sessions deleted but still there: a finalizer holds them. */
export async function sessionsStuck(kube: KubeClient, ns: string): Promise<string[]> {
  const list = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(ns));
  return list.items.filter((s) => s.metadata.deletionTimestamp).map((s) => s.metadata.name!);
}

/** Host processes whose command line contains `marker`. */
export async function processesLeft(marker: string): Promise<string[]> {
  const { stdout } = await exec('pgrep', ['-a', '-f', marker]);
  // pgrep never lists itself; a shell running it could, so drop pgrep's own line if any.
  return stdout.split('\n').filter((l) => l && !l.includes('pgrep'));
}

export interface Counts { containers: string[]; stuckSessions: string[]; processes: string[] }

/** Waits until every count is zero; throws with what was left after `boundMs`. */
export async function nothingLeft(kube: KubeClient, ns: string, marker: string | undefined, boundMs: number): Promise<void> {
  let last: Counts = { containers: [], stuckSessions: [], processes: [] };
  try {
    await waitFor(async () => {
      last = {
        containers: await containersLeft(ns),
        stuckSessions: await sessionsStuck(kube, ns),
        processes: marker ? await processesLeft(marker) : [],
      };
      return last.containers.length + last.stuckSessions.length + last.processes.length === 0;
    }, boundMs, 'nothing left');
  } catch {
    throw new Error(`left after ${boundMs / 1000} s: ${last.containers.length} debug containers, ${last.stuckSessions.length} sessions behind a finalizer (${last.stuckSessions.join(', ')}), ${last.processes.length} processes (${last.processes.join('; ')})`);
  }
}
