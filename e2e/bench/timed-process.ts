// Runs one command and times it from spawn to exit. Stdout is counted, not
// kept (64 MiB of it in the throughput runs), with the times of its first
// and last bytes so a rate can leave out the command's start-up.

import { spawn } from 'node:child_process';

export interface Timed {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdoutBytes: number;
  /** From spawn to the first and to the last stdout byte; NaN when there was none. */
  firstByteMs: number;
  lastByteMs: number;
  /** The last 2 KiB of stderr, to say why a run failed. */
  stderr: string;
}

export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let firstByteMs = NaN;
    let lastByteMs = NaN;
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      const now = performance.now() - start;
      if (stdoutBytes === 0) firstByteMs = now;
      lastByteMs = now;
      stdoutBytes += d.length;
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2048)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - start, code, signal, stdoutBytes, firstByteMs, lastByteMs, stderr });
    });
  });
}

/** A run that did not exit 0 as an Error carrying its stderr. */
export function failure(what: string, t: Timed): Error {
  return new Error(`${what} exited ${t.code ?? t.signal}: ${t.stderr.trim().split('\n').slice(-2).join(' | ')}`);
}
