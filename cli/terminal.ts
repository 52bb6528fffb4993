// The local terminal during an attached session: raw mode so every key
// (Ctrl-C, Ctrl-D, arrows) goes to the remote shell as bytes, and the window
// size, which the remote TTY must follow.

import type { ReadStream, WriteStream } from 'node:tty';
import type { TerminalSize } from '../attach/client.ts';

/** Puts `stdin` in raw mode; the returned restore is safe to call any number of times. */
export function enterRawMode(stdin: ReadStream): () => void {
  stdin.setRawMode(true);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    stdin.setRawMode(false);
    stdin.pause();
  };
}

/** The terminal whose size the remote should follow: stdout, or stderr when stdout is piped. */
export function sizeSource(): WriteStream | undefined {
  if (process.stdout.isTTY) return process.stdout;
  if (process.stderr.isTTY) return process.stderr;
  return undefined;
}

export function terminalSize(out: WriteStream | undefined): TerminalSize | undefined {
  if (!out?.columns || !out.rows) return undefined;
  return { width: out.columns, height: out.rows };
}

/** Node refreshes the size on SIGWINCH and then emits 'resize'. */
export function onResize(out: WriteStream, listener: () => void): () => void {
  out.on('resize', listener);
  return () => out.off('resize', listener);
}
