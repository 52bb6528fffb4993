// The one-time attach secret. The client makes it, writes only its SHA-256 to
// the session (which needs RBAC rights on that session), and shows the secret
// to the agent; the agent compares hashes. No user credential reaches the agent.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a freshly made secret stays valid: enough to connect, short enough to be useless later. */
export const TOKEN_LIFETIME_MS = 5 * 60 * 1000;

/** Kubernetes' convention for a bearer token inside Sec-WebSocket-Protocol, where browsers cannot set headers. */
export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

export function newAttachToken(now: Date): { token: string; grant: { tokenSHA256: string; expiresAt: string } } {
  const token = randomBytes(32).toString('base64url');
  return { token, grant: { tokenSHA256: hashToken(token), expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS).toISOString() } };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function hashesMatch(token: string, expectedSHA256: string): boolean {
  const got = Buffer.from(hashToken(token), 'hex');
  const want = Buffer.from(expectedSHA256, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export function bearerProtocol(token: string): string {
  return BEARER_PROTOCOL_PREFIX + Buffer.from(token, 'utf8').toString('base64url');
}

/** The token a request carries, from `Authorization: Bearer` or the WebSocket subprotocol list. */
export function tokenFromRequest(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim() || undefined;
  const protocols = String(headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const bearer = protocols.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
  return bearer ? Buffer.from(bearer.slice(BEARER_PROTOCOL_PREFIX.length), 'base64url').toString('utf8') || undefined : undefined;
}
