// Fetches a session's recording from its agent with a fresh secret and plays
// or prints it.

import { pipeline } from 'node:stream/promises';
import { text } from 'node:stream/consumers';
import { grantAttach } from './attach-grant.ts';
import { UserError } from './errors.ts';
import { openKube } from './kube-context.ts';
import type { Connection } from './options.ts';
import { parseCast, play } from './replay-player.ts';

export async function replaySession(conn: Connection, name: string, opts: { raw: boolean; speed: number; idleLimit: number }): Promise<number> {
  const { kube, namespace, log } = await openKube(conn);
  try {
    const { token, session } = await grantAttach(kube, namespace, name);
    const { fetchFromAgent } = await import('./agent-fetch.ts');
    const res = await fetchFromAgent(kube, session, 'recording', token, { portForward: conn.portForward, log });
    if (opts.raw) {
      await pipeline(res, process.stdout, { end: false });
      return 0;
    }
    let cast;
    try {
      cast = parseCast(await text(res));
    } catch (err) {
      throw new UserError(`cannot play the recording of ${name}: ${(err as Error).message}`);
    }
    const { columns } = process.stdout;
    if (columns && cast.header.width > columns) {
      process.stderr.write(`note: the session was recorded ${cast.header.width} columns wide; this terminal has ${columns}\n`);
    }
    const stop = new AbortController();
    const onInt = () => stop.abort();
    process.once('SIGINT', onInt);
    try {
      await play(cast.events, {
        speed: opts.speed,
        idleLimit: opts.idleLimit,
        write: (d) => process.stdout.write(d),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        signal: stop.signal,
      });
    } catch (err) {
      if (!stop.signal.aborted) throw err;
    } finally {
      process.off('SIGINT', onInt);
      // Leave the terminal with default colours whatever the recording ended with.
      if (process.stdout.isTTY) process.stdout.write('\x1b[0m\n');
    }
    return stop.signal.aborted ? 130 : 0;
  } finally {
    kube.close();
  }
}
