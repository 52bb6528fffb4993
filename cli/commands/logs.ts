// `kubectl dbg logs SESSION`: the output of a session, typically one that
// ran a command unattended.

import type { Argv } from 'yargs';
import { readConfig } from '../global-flags.ts';
import { connection, sessionName, type CommonFlags } from '../options.ts';

export const command = 'logs [session]';
export const describe = 'Print the output of a debug session';

export function builder(y: Argv) {
  return y
    .positional('session', { type: 'string', describe: 'DebugSession name (required)' })
    .option('port-forward', { type: 'boolean', describe: 'Reach the agent through the API server rather than the node address' });
}

export interface LogsArgv extends CommonFlags {
  session?: string;
  portForward?: boolean;
}

export async function handler(argv: LogsArgv): Promise<number> {
  const name = sessionName(argv.session, 'logs');
  const conn = connection(argv, readConfig(argv));
  const { sessionLogs } = await import('../run-logs.ts');
  return sessionLogs(conn, name);
}
