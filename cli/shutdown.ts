// Signals end a run the same way an error does: the work in progress is
// aborted, `finally` blocks delete the session and restore the terminal, and
// the process exits 128 + signal. A second signal means "now": the terminal
// is restored and the process exits at once.

import { exitCodeForSignal } from './exit-codes.ts';

// SIGPIPE is ignored by Node; main() raises it when stdout's reader went away (`| head`).
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'];

export class Shutdown {
  private readonly controller = new AbortController();
  private readonly restorers = new Set<() => void>();
  /** The signal that ended the run, if one did. */
  received?: NodeJS.Signals;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Registers the process signal handlers; returns their removal. */
  install(): () => void {
    const handler = (sig: NodeJS.Signals) => this.onSignal(sig);
    for (const sig of SIGNALS) process.on(sig, handler);
    // Whatever ends the process (an uncaught error included), the terminal comes back.
    const onExit = () => this.restoreTerminal();
    process.on('exit', onExit);
    return () => {
      for (const sig of SIGNALS) process.off(sig, handler);
      process.off('exit', onExit);
    };
  }

  /** Something to undo before exiting on any path, like raw mode; returns its removal. */
  onRestore(restore: () => void): () => void {
    this.restorers.add(restore);
    return () => this.restorers.delete(restore);
  }

  restoreTerminal(): void {
    for (const restore of this.restorers) {
      try {
        restore();
      } catch {
        // The terminal may be gone already (SIGHUP); nothing left to restore then.
      }
    }
  }

  onSignal(sig: NodeJS.Signals): void {
    // A closed pipe raises SIGPIPE and EPIPE for every write: only a repeated user signal means "now".
    if (this.received && sig === 'SIGPIPE') return;
    if (this.received) {
      this.restoreTerminal();
      process.exit(exitCodeForSignal(sig));
    }
    this.received = sig;
    this.restoreTerminal();
    this.controller.abort(new SignalAbort(sig));
  }
}

/** The abort reason of a signal; main() turns it into an exit code without a message. */
export class SignalAbort extends Error {
  constructor(readonly sig: NodeJS.Signals) {
    super(`interrupted by ${sig}`);
    this.name = 'SignalAbort';
  }
}
