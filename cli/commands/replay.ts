// `kubectl dbg replay SESSION`: the terminal recording of a session, played
// here or printed raw for `asciinema play -`.

import type { Argv } from 'yargs';
import { readConfig } from '../global-flags.ts';
import { connection, sessionName, type CommonFlags } from '../options.ts';
import { UserError } from '../errors.ts';

export const command = 'replay [session]';
export const describe = 'Replay the terminal recording of a debug session';

export function builder(y: Argv) {
  return y
    .positional('session', { type: 'string', describe: 'DebugSession name (required)' })
    .option('raw', { type: 'boolean', describe: 'Print the asciicast v2 file instead (for `asciinema play -`)' })
    .option('speed', { type: 'number', describe: 'Playback speed factor (default 1)' })
    .option('idle-limit', { type: 'number', describe: 'Longest pause in seconds (default 2)' })
    .option('port-forward', { type: 'boolean', describe: 'Reach the agent through the API server rather than the node address' })
    .example('$0 replay web-7d4b9-debug-x2k9f --raw | asciinema play -', 'Play it with asciinema');
}

export interface ReplayArgv extends CommonFlags {
  session?: string;
  raw?: boolean;
  speed?: number;
  idleLimit?: number;
  portForward?: boolean;
}

export async function handler(argv: ReplayArgv): Promise<number> {
  const name = sessionName(argv.session, 'replay');
  const speed = argv.speed ?? 1;
  const idleLimit = argv.idleLimit ?? 2;
  if (!(speed > 0)) throw new UserError(`--speed must be more than 0, got ${argv.speed}`);
  if (!(idleLimit > 0)) throw new UserError(`--idle-limit must be more than 0, got ${argv.idleLimit}`);
  const conn = connection(argv, readConfig(argv));
  const { replaySession } = await import('../run-replay.ts');
  return replaySession(conn, name, { raw: argv.raw ?? false, speed, idleLimit });
}
