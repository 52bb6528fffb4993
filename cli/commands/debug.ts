// The default command: `kubectl dbg POD [-- COMMAND [ARGS...]]`.

import type { Argv } from 'yargs';
import { readConfig } from '../global-flags.ts';
import { debugOptions, type DebugFlags } from '../options.ts';
import { Shutdown } from '../shutdown.ts';

export const command = '$0 [pod]';
export const describe = 'Debug POD: a shell (or COMMAND) in its process, network and IPC namespaces, with a full toolbox';

export function builder(y: Argv) {
  return y
    .positional('pod', { type: 'string', describe: 'Pod to debug (NAME or pod/NAME)' })
    .option('container', { alias: 'c', type: 'string', describe: 'Container to join (default: the pod\'s first)' })
    .option('image', { type: 'string', describe: 'Debug image (default: the config file\'s, else the agent\'s tools image)' })
    .option('image-pull-policy', { type: 'string', describe: 'Always, IfNotPresent or Never' })
    .option('stdin', { alias: 'i', type: 'boolean', describe: 'Pass stdin to the session (default: when stdin is a terminal)' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'Allocate a TTY (default: at a terminal, unless a COMMAND writes to a pipe)' })
    .option('keep', { type: 'boolean', describe: 'Keep the session after this command exits (default: delete it)' })
    .option('detach', { type: 'boolean', describe: 'Create the session, print its name and exit' })
    .option('deadline', { type: 'string', describe: 'End the session after this long whatever it does (seconds or 1h; default 1h)' })
    .option('idle-timeout', { type: 'string', describe: 'End the session after this long with no client attached (default 15m)' })
    .option('timeout', { type: 'string', describe: 'How long to wait for the session to start (default 2m)' })
    .option('port-forward', { type: 'boolean', describe: 'Reach the agent through the API server rather than the node address' })
    .example('$0 web-7d4b9', 'Interactive shell next to the first container of web-7d4b9')
    .example('$0 web-7d4b9 -c sidecar -n shop', 'Join the sidecar container in namespace shop')
    .example('$0 web-7d4b9 -- ps aux | grep nginx', 'One command; its stdout and stderr stay apart')
    .example('$0 web-7d4b9 --image busybox -- netstat -lnt', 'Another image, another command');
}

export interface DebugArgv extends DebugFlags {
  '--'?: (string | number)[];
}

export function flagsOf(argv: DebugArgv): DebugFlags {
  return { ...argv, command: argv['--']?.map(String) };
}

export async function handler(argv: DebugArgv): Promise<number> {
  const opts = debugOptions(flagsOf(argv), readConfig(argv), {
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  });
  const shutdown = new Shutdown();
  const uninstall = shutdown.install();
  try {
    const { runDebug } = await import('../run-debug.ts');
    return await runDebug(opts, shutdown);
  } finally {
    uninstall();
  }
}
