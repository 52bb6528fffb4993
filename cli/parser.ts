// The command line: kubectl's global flags, the default command (debug a
// pod) and the subcommands, each in its own module under commands/. Built by
// a function so tests can parse real argv without running anything.

import yargs, { type Argv } from 'yargs';
import * as attach from './commands/attach.ts';
import * as debug from './commands/debug.ts';
import * as del from './commands/delete.ts';
import * as list from './commands/list.ts';
import * as logs from './commands/logs.ts';
import * as replay from './commands/replay.ts';
import { UsageError } from './errors.ts';
import { globalFlags } from './global-flags.ts';
import { CLI_VERSION } from './version.ts';

export interface CommandModule {
  command: string | string[];
  describe: string;
  builder: (y: Argv) => Argv<any>;
  /** Returns the process exit code. */
  handler: (argv: any) => Promise<number>;
}

export const COMMANDS: CommandModule[] = [debug, attach, list, del, replay, logs];

/** Receives the command a command line chose and its parsed flags. */
export type Dispatch = (module: CommandModule, argv: Record<string, unknown>) => Promise<void>;

const USAGE = `Debug a running pod with a toolbox container that joins its namespaces.

Usage:
  kubectl dbg POD [-n NAMESPACE] [-c CONTAINER] [--image IMAGE] [-- COMMAND [ARGS...]]
  kubectl dbg attach|list|delete|replay|logs ...
  kubectl-debug POD ...   (the same, run directly; kubectl's built-in \`kubectl debug\` hides a plugin of that name)`;

export function cliParser(args: string[], dispatch: Dispatch, width = 100): Argv {
  let y = yargs(args)
    .scriptName('kubectl dbg')
    .usage(USAGE)
    .parserConfiguration({ 'populate--': true, 'strip-aliased': true, 'strip-dashed': true })
    .strict()
    .help('help')
    .alias('help', 'h')
    .version('version', 'Print the version of kubectl-debug', CLI_VERSION)
    .wrap(Math.min(width, 120))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  y = globalFlags(y);
  for (const mod of COMMANDS) {
    y = y.command({
      command: mod.command,
      describe: mod.describe,
      builder: mod.builder,
      handler: (argv) => dispatch(mod, argv),
    });
  }
  return y;
}
