// `kubectl dbg attach SESSION`: join a session someone else created (a
// manifest in Git, or `--detach`), with a fresh one-time secret.

import type { Argv } from 'yargs';
import { readConfig } from '../global-flags.ts';
import { connection, sessionName, waitTimeout, type CommonFlags } from '../options.ts';
import { Shutdown } from '../shutdown.ts';

export const command = 'attach [session]';
export const describe = 'Attach to a running debug session (e.g. one declared in Git or created with --detach)';

export function builder(y: Argv) {
  return y
    .positional('session', { type: 'string', describe: 'DebugSession name (required)' })
    .option('timeout', { type: 'string', describe: 'How long to wait for the session to be ready (default 2m)' })
    .option('port-forward', { type: 'boolean', describe: 'Reach the agent through the API server rather than the node address' });
}

export interface AttachArgv extends CommonFlags {
  session?: string;
  timeout?: string;
  portForward?: boolean;
}

export async function handler(argv: AttachArgv): Promise<number> {
  const name = sessionName(argv.session, 'attach');
  const config = readConfig(argv);
  const conn = connection(argv, config);
  const timeoutSeconds = waitTimeout(argv.timeout, config);
  const shutdown = new Shutdown();
  const uninstall = shutdown.install();
  try {
    const { attachExisting } = await import('../run-attach.ts');
    return await attachExisting(conn, name, timeoutSeconds, shutdown);
  } finally {
    uninstall();
  }
}
