// One terminal for the whole life of the remote command, across agent
// restarts. The agent adopts its running containers when it comes back
// (docs/architecture.md), so a connection that drops without an exit status
// (the agent was restarted, upgraded, or killed) is not the end of the
// session: take a fresh one-time secret and attach to whichever agent serves
// the session now, until the command ends, the session ends, or --timeout.

import type { DebugSession } from '../crds/types.ts';
import { isNotFound, type KubeClient } from '../kube/client.ts';
import { getSession } from '../kube/sessions.ts';
import { sleep } from './abortable-sleep.ts';
import { grantAttach } from './attach-grant.ts';
import { ConnectionLostError, attachSession, type AttachOptions } from './attach-session.ts';
import { UserError, describeError } from './errors.ts';
import { clampExitCode } from './exit-codes.ts';
import { readiness } from './readiness.ts';
import type { Shutdown } from './shutdown.ts';

export interface AttachUntilEndOptions extends AttachOptions {
  /** How long to keep trying once the connection is lost. */
  timeoutSeconds: number;
}

/** Between attempts: the agent needs a moment to come back and publish the session again. */
const RETRY_MS = 1_000;

export async function attachUntilEnd(
  kube: KubeClient,
  session: DebugSession,
  ready: { attachURL: string; certificateSHA256: string },
  token: string,
  opts: AttachUntilEndOptions,
  shutdown: Shutdown,
): Promise<number> {
  const namespace = session.metadata.namespace!;
  const name = session.metadata.name!;
  let current = { session, ready, token };
  let lostAt: number | undefined;
  for (;;) {
    try {
      const onAttached = lostAt === undefined ? undefined : () => process.stderr.write(`Reconnected to debug session ${name}\r\n`);
      return await attachSession(kube, current.session, current.ready, current.token, { ...opts, onAttached }, shutdown);
    } catch (err) {
      if (shutdown.signal.aborted) throw err;
      if (err instanceof ConnectionLostError) {
        lostAt = Date.now();
        process.stderr.write(`\r\nLost the connection to the agent (${err.message}); reconnecting for up to ${opts.timeoutSeconds}s, Ctrl-C to stop\r\n`);
        // The secret was spent on the first attach; the next agent needs a new one.
        current = { ...current, token: (await grantAttach(kube, namespace, name)).token };
      } else if (lostAt === undefined) {
        throw err;
      } else {
        opts.log(`Reconnecting: ${describeError(err)}`);
        await sleep(RETRY_MS, shutdown.signal);
      }
    }
    // Re-read each time: the agent may come back with another address or certificate.
    for (;;) {
      if (Date.now() - lostAt > opts.timeoutSeconds * 1000) {
        throw new UserError(`could not reconnect to debug session ${name} within ${opts.timeoutSeconds}s; attach again with: kubectl dbg attach ${name} -n ${namespace}`);
      }
      let latest: DebugSession;
      try {
        latest = await getSession(kube, namespace, name);
      } catch (err) {
        if (isNotFound(err)) throw new UserError(`debug session ${namespace}/${name} was deleted`);
        // The API server may be the thing that restarted.
        opts.log(`Reconnecting: ${describeError(err)}`);
        await sleep(RETRY_MS, shutdown.signal);
        continue;
      }
      const state = readiness(latest);
      if (state.kind === 'finished') {
        process.stderr.write(`The command ended while disconnected (exit code ${state.exitCode}); its whole output: kubectl dbg logs ${name} -n ${namespace}\n`);
        return clampExitCode(state.exitCode);
      }
      if (state.kind === 'failed') throw new UserError(`debug session ${name} failed: ${state.message}`);
      if (state.kind === 'ready') {
        current = { session: latest, ready: state, token: current.token };
        break;
      }
      await sleep(RETRY_MS, shutdown.signal);
    }
  }
}
