// `kubectl dbg delete SESSION...`: ends sessions; the operator's finalizer
// makes sure their containers are gone before the objects are.

import type { Argv } from 'yargs';
import { readConfig } from '../global-flags.ts';
import { connection, sessionName, type CommonFlags } from '../options.ts';
import { UsageError } from '../errors.ts';

export const command = ['delete [sessions..]', 'rm'];
export const describe = 'Delete debug sessions (ends them and removes their containers)';

export function builder(y: Argv) {
  return y.positional('sessions', { type: 'string', array: true, describe: 'DebugSession names (at least one)' });
}

export interface DeleteArgv extends CommonFlags {
  sessions?: string[];
}

export async function handler(argv: DeleteArgv): Promise<number> {
  const names = (argv.sessions ?? []).map((s) => sessionName(String(s), 'delete'));
  if (names.length === 0) throw new UsageError('name at least one session: kubectl dbg delete SESSION...');
  const conn = connection(argv, readConfig(argv));
  const { deleteSessions } = await import('../run-delete.ts');
  return deleteSessions(conn, names);
}
