// What the CLI exits with. The remote command's code passes through unchanged
// (scripts rely on `kubectl-debug POD -- test -f x`); the CLI's own failures
// use 1 like kubectl; a signal gives the shell convention 128 + number.

import { constants } from 'node:os';
import { exitCodeOf } from '../attach/channel-protocol.ts';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;

export type RemoteStatus = Parameters<typeof exitCodeOf>[0] & { message?: string };

/** The process exit code for the error channel's final status, and a message when it was not a plain exit. */
export function exitCodeFromStatus(status: RemoteStatus): { code: number; message?: string } {
  const code = exitCodeOf(status);
  if (code !== undefined) return { code: clampExitCode(code) };
  return { code: EXIT_ERROR, message: status.message || status.reason || 'the debug session ended with an error' };
}

/** A process can only exit with 0..255; anything else would wrap around (256 would read as success). */
export function clampExitCode(code: number): number {
  return Number.isInteger(code) && code >= 0 && code <= 255 ? code : EXIT_ERROR;
}

/** 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
