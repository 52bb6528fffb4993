// Who may attach to a session, decided from the session alone: the caller
// shows a secret whose SHA-256 someone with write access to that session put
// in spec.attach (so RBAC on the DebugSession is the permission to attach),
// before spec.attach.expiresAt, and only once.

import type { DebugSession } from '../../crds/types.ts';
import { hashToken, hashesMatch } from '../../attach/attach-token.ts';

export type AttachDecision =
  | { allow: true; tokenSHA256: string; expiresAt: Date }
  | { allow: false; httpStatus: 401 | 403 | 404; reason: string };

/** Hashes of secrets already used; nothing but the hash is kept. */
export interface UsedSecrets {
  has(tokenSHA256: string): boolean;
}

export function decideAttach(session: DebugSession | undefined, token: string | undefined, now: Date, used: UsedSecrets): AttachDecision {
  if (!session) return { allow: false, httpStatus: 404, reason: 'no such session on this node' };
  if (!token) return { allow: false, httpStatus: 401, reason: 'no attach secret presented' };
  const grant = session.spec.attach;
  if (!grant) return { allow: false, httpStatus: 403, reason: 'the session has no spec.attach grant' };
  // Checked before expiry and reuse, so a wrong secret learns nothing about the grant.
  if (!hashesMatch(token, grant.tokenSHA256)) return { allow: false, httpStatus: 403, reason: "secret does not match the session's spec.attach" };
  const expiresAt = new Date(grant.expiresAt);
  if (!(expiresAt.getTime() > now.getTime())) return { allow: false, httpStatus: 403, reason: `attach secret expired at ${grant.expiresAt}` };
  const tokenSHA256 = hashToken(token);
  if (used.has(tokenSHA256)) return { allow: false, httpStatus: 403, reason: 'attach secret was already used' };
  return { allow: true, tokenSHA256, expiresAt };
}

/**
 * Whether to re-read the session from the API server before refusing: a
 * client writes a fresh spec.attach just before it connects, and the watch
 * may not have delivered it yet.
 */
export function worthRereading(decision: AttachDecision): boolean {
  return !decision.allow && (decision.httpStatus === 404 || /spec\.attach/.test(decision.reason));
}
