// `kubectl dbg list`: the sessions of a namespace (or all, -A), as a table,
// JSON or YAML.

import type { Argv } from 'yargs';
import { readConfig } from '../global-flags.ts';
import { connection, type CommonFlags } from '../options.ts';
import { UserError } from '../errors.ts';

export const command = ['list', 'ls'];
export const describe = 'List debug sessions';

export const OUTPUTS = ['wide', 'json', 'yaml'] as const;

export function builder(y: Argv) {
  return y
    .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'List sessions in all namespaces' })
    .option('output', { alias: 'o', type: 'string', describe: `Output format: ${OUTPUTS.join(', ')}` });
}

export interface ListArgv extends CommonFlags {
  allNamespaces?: boolean;
  output?: string;
}

export async function handler(argv: ListArgv): Promise<number> {
  if (argv.output !== undefined && !OUTPUTS.includes(argv.output as never)) {
    throw new UserError(`unknown output format "${argv.output}": expected one of ${OUTPUTS.join(', ')}`);
  }
  const conn = connection(argv, readConfig(argv));
  const { listSessions } = await import('../run-list.ts');
  return listSessions(conn, { allNamespaces: argv.allNamespaces ?? false, output: argv.output as (typeof OUTPUTS)[number] | undefined });
}
