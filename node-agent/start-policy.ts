// When a created debug container starts. A session that carries an attach
// grant has a client on its way (the CLI writes the grant into the session
// it creates), and output made before that client attaches could only be
// kept in memory up to a bound. So, like `docker run -a` (attach, then
// start), the command starts when its first client attaches, and the client
// sees every byte from the first. A client that does not come within the
// bound does not hold the session forever: it starts anyway and its output
// goes to the kept log, as for a session nobody attaches to.

/** How long a created container waits for its first client. */
export const FIRST_CLIENT_WAIT_MS = 60_000;

export interface StartInputs {
  /** `spec.attach.expiresAt`, when the session carries a grant. */
  grantExpiresAt?: string;
  /** Docker's `Created` of the container: the wait is counted from it, so an agent restart does not lengthen it. */
  createdAt: string;
  /** Whether a client has attached, even if it left already: its one-time secret is spent, so nobody else is coming. */
  clientCame: boolean;
  now: Date;
}

export type StartCause =
  /** The first client attached. */
  | 'ClientAttached'
  /** No grant: nobody is expected (kubectl apply, GitOps). */
  | 'Unattended'
  /** The grant expired or the wait is over before a client came. */
  | 'NoClientCame';

export type StartDecision = { start: true; cause: StartCause } | { start: false; startBy: Date };

export function decideStart(i: StartInputs): StartDecision {
  if (i.clientCame) return { start: true, cause: 'ClientAttached' };
  if (!i.grantExpiresAt) return { start: true, cause: 'Unattended' };
  const startBy = Math.min(Date.parse(i.createdAt) + FIRST_CLIENT_WAIT_MS, Date.parse(i.grantExpiresAt));
  // An unreadable time must never hold a container for good.
  if (Number.isNaN(startBy) || i.now.getTime() >= startBy) return { start: true, cause: 'NoClientCame' };
  return { start: false, startBy: new Date(startBy) };
}
