// Errors a user can act on. main() prints these as one `error: ...` line with
// no stack trace; anything else is a bug and shows its stack under -v.

import { KubeError } from '../kube/client.ts';

export class UserError extends Error {
  constructor(
    message: string,
    /** Process exit code; 1 like kubectl's own errors. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A bad command line: main() adds a pointer to --help. */
export class UsageError extends UserError {}

/** Errors that explain themselves: ours, the API server's, and the network's. */
export function isUserFacing(err: unknown): err is Error {
  if (err instanceof UserError || err instanceof KubeError) return true;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** One line for the terminal; API errors keep the server's wording, which kubectl users know. */
export function describeError(err: unknown): string {
  if (err instanceof KubeError) {
    if (err.code === 401) return `unauthorized: ${err.message} (check your kubeconfig credentials)`;
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
