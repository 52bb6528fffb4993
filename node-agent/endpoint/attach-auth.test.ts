import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newAttachToken } from '../../attach/attach-token.ts';
import type { DebugSession } from '../../crds/types.ts';
import { decideAttach, worthRereading } from './attach-auth.ts';
import { UsedSecretsFile } from './used-secrets.ts';

const now = new Date('2026-03-01T10:00:00Z');
const mine = newAttachToken(now);
const theirs = newAttachToken(now);

function session(grant = mine.grant): DebugSession {
  return {
    apiVersion: 'debug.kubectl-debug.dev/v1alpha1',
    kind: 'DebugSession',
    metadata: { name: 'dbg', namespace: 'ns', uid: 'u' },
    spec: { target: { pod: 'web' }, attach: grant },
  };
}

const nothingUsed = new UsedSecretsFile();

test('the secret whose hash is in spec.attach is let in before it expires', () => {
  const d = decideAttach(session(), mine.token, now, nothingUsed);
  assert.ok(d.allow);
  assert.is(d.allow && d.tokenSHA256, mine.grant.tokenSHA256);
});

test('no secret at all is refused with 401', () => {
  assert.equal(decideAttach(session(), undefined, now, nothingUsed), { allow: false, httpStatus: 401, reason: 'no attach secret presented' });
});

test('a wrong secret is refused with 403', () => {
  const d = decideAttach(session(), 'guess', now, nothingUsed);
  assert.equal([d.allow, !d.allow && d.httpStatus], [false, 403]);
  assert.match(!d.allow ? d.reason : '', /does not match/);
});

test("another session's secret is refused: a secret is bound to one session", () => {
  const d = decideAttach(session(mine.grant), theirs.token, now, nothingUsed);
  assert.is(d.allow, false);
});

test('an expired secret is refused, even at the exact instant of expiry', () => {
  const at = new Date(mine.grant.expiresAt);
  assert.match(JSON.stringify(decideAttach(session(), mine.token, at, nothingUsed)), /expired/);
  assert.match(JSON.stringify(decideAttach(session(), mine.token, new Date(at.getTime() + 1), nothingUsed)), /expired/);
});

test('a secret used once is refused the second time', () => {
  const used = new UsedSecretsFile();
  const first = decideAttach(session(), mine.token, now, used);
  assert.ok(first.allow);
  if (first.allow) used.remember(first.tokenSHA256, first.expiresAt);
  assert.match(JSON.stringify(decideAttach(session(), mine.token, now, used)), /already used/);
});

test('a session without spec.attach lets nobody in', () => {
  const s = session();
  delete s.spec.attach;
  assert.match(JSON.stringify(decideAttach(s, mine.token, now, nothingUsed)), /no spec.attach/);
});

test('an unknown session is 404', () => {
  assert.is(JSON.stringify(decideAttach(undefined, mine.token, now, nothingUsed)).includes('404'), true);
});

test('a mismatch or missing session is worth re-reading from the API server; expiry and replay are not', () => {
  assert.ok(worthRereading(decideAttach(session(), 'guess', now, nothingUsed)));
  assert.ok(worthRereading(decideAttach(undefined, mine.token, now, nothingUsed)));
  assert.not.ok(worthRereading(decideAttach(session(), mine.token, new Date(mine.grant.expiresAt), nothingUsed)));
  assert.not.ok(worthRereading(decideAttach(session(), undefined, now, nothingUsed)));
});

test('used secrets survive a restart through the file, and expired ones are forgotten', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'used-')), 'used');
  const before = new UsedSecretsFile(file);
  before.remember('a'.repeat(64), new Date(now.getTime() + 1000));
  before.remember('b'.repeat(64), new Date(now.getTime() + 5000));
  const after = new UsedSecretsFile(file);
  assert.ok(after.has('a'.repeat(64)));
  after.forgetExpired(new Date(now.getTime() + 2000));
  assert.not.ok(after.has('a'.repeat(64)));
  assert.ok(new UsedSecretsFile(file).has('b'.repeat(64)));
  assert.is(new UsedSecretsFile(file).size, 1);
});

test.run();
