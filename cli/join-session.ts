// From a created (or re-granted) session to the remote command's exit code:
// wait with progress, fail with the operator's words, attach when ready, or
// print the output log when the command finished before we could attach.

import type { DebugSession } from '../crds/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { UserError } from './errors.ts';
import { clampExitCode } from './exit-codes.ts';
import { createProgress } from './progress.ts';
import { readiness, type Readiness } from './readiness.ts';
import type { Shutdown } from './shutdown.ts';
import { waitForSession } from './wait.ts';

export interface JoinOptions {
  stdin: boolean;
  tty: boolean;
  portForward: boolean;
  timeoutSeconds: number;
  log: (line: string) => void;
}

export async function joinSession(
  kube: KubeClient,
  known: DebugSession,
  secret: { token: string; expiresAt: string },
  opts: JoinOptions,
  shutdown: Shutdown,
): Promise<number> {
  const namespace = known.metadata.namespace!;
  const name = known.metadata.name!;
  const progress = createProgress(process.stderr, `Waiting for debug session ${name}`);
  let outcome: { state: Exclude<Readiness, { kind: 'waiting' }>; session: DebugSession };
  try {
    outcome = await waitForSession(
      kube,
      namespace,
      name,
      (session) => {
        const state = readiness(session);
        if (state.kind === 'waiting') {
          progress.update(state.text);
          return undefined;
        }
        return { state, session };
      },
      { timeoutMs: opts.timeoutSeconds * 1000, signal: shutdown.signal, initial: known },
    );
  } finally {
    progress.stop();
  }
  const { state, session } = outcome;
  // A long wait (an image pull) can outlive the secret; a fresh one costs one patch.
  const token = async () => {
    if (Date.parse(secret.expiresAt) - Date.now() > 30_000) return secret.token;
    opts.log('The attach secret expired while waiting; granting a new one');
    const { grantAttach } = await import('./attach-grant.ts');
    return (await grantAttach(kube, namespace, name)).token;
  };
  switch (state.kind) {
    case 'failed':
      throw new UserError(`debug session ${name} failed: ${state.message}`);
    case 'finished': {
      // Not an attach: the agent's copy in memory is capped and gone after
      // an agent restart, while its output log holds the whole output (stdout
      // and stderr in one stream) and outlives restarts.
      opts.log(`The command ended (exit code ${state.exitCode}) before the client attached; fetching its output log`);
      const { printLogs } = await import('./session-logs.ts');
      await printLogs(kube, session, await token(), opts);
      return clampExitCode(state.exitCode);
    }
    case 'ready': {
      opts.log(`Debug session ${name} is ready on node ${session.status?.target?.nodeName ?? '?'}`);
      const { attachUntilEnd } = await import('./attach-until-end.ts');
      return attachUntilEnd(kube, session, state, await token(), opts, shutdown);
    }
  }
}
