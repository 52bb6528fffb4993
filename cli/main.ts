// kubectl-debug / kubectl dbg. The only module with side effects at import:
// parse the command line, run one command, exit with its code. Every error
// ends here as one `error: ...` line; stacks only under -v, for bugs.

import { hideBin } from 'yargs/helpers';
import { UsageError, describeError, isUserFacing } from './errors.ts';
import { EXIT_ERROR, exitCodeForSignal } from './exit-codes.ts';
import { cliParser } from './parser.ts';
import { SignalAbort } from './shutdown.ts';

async function main(argv: string[]): Promise<number> {
  let code = 0;
  await cliParser(argv, async (mod, args) => {
    code = await mod.handler(args);
  }, process.stdout.columns).parseAsync();
  return code;
}

function report(err: unknown, verbose: boolean): number {
  if (err instanceof SignalAbort) return exitCodeForSignal(err.sig);
  process.stderr.write(`error: ${describeError(err)}\n`);
  if (err instanceof UsageError) process.stderr.write(`See 'kubectl dbg --help' for usage.\n`);
  else if (verbose && !isUserFacing(err) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return (err as { exitCode?: number }).exitCode ?? EXIT_ERROR;
}

function exit(code: number): void {
  process.exitCode = code;
  // Leave once stdout has drained: the session is already deleted, and waiting
  // for sockets to close (the agent's, the API server's) or a stray handle
  // (stdin) would only add to every run.
  process.stdout.write('', () => process.exit(code));
}

/**
 * The reader of stdout went away (`kubectl dbg POD -- ps aux | head -1`): end
 * like a process killed by SIGPIPE, through the same clean-up as a signal
 * when a run is in progress, rather than with an EPIPE stack trace.
 */
let stdoutGone = false;
function onStdoutError(err: NodeJS.ErrnoException): void {
  // Every later write fails too; one "signal" is enough (a second one would mean "exit now").
  if (err.code !== 'EPIPE' || stdoutGone) return;
  stdoutGone = true;
  if (process.listenerCount('SIGPIPE') > 0) process.emit('SIGPIPE', 'SIGPIPE');
  else process.exit(exitCodeForSignal('SIGPIPE'));
}

process.stdout.on('error', onStdoutError);
const args = hideBin(process.argv);
main(args).then(exit, (err) => exit(report(err, args.includes('-v') || args.includes('--verbose'))));
