import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideStart, FIRST_CLIENT_WAIT_MS } from './start-policy.ts';

const created = '2026-03-01T10:00:00.123456789Z';
const t0 = Date.parse('2026-03-01T10:00:00.123Z');
const at = (ms: number) => new Date(t0 + ms);
const inFiveMinutes = new Date(t0 + 300_000).toISOString();

test('a session nobody is expected to attach to starts at once', () => {
  assert.equal(decideStart({ createdAt: created, clientCame: false, now: at(0) }), { start: true, cause: 'Unattended' });
});

test('a session with a grant waits for its first client, at most the bound after creation', () => {
  const waiting = decideStart({ grantExpiresAt: inFiveMinutes, createdAt: created, clientCame: false, now: at(1_000) });
  assert.equal(waiting, { start: false, startBy: at(FIRST_CLIENT_WAIT_MS) });
  const over = decideStart({ grantExpiresAt: inFiveMinutes, createdAt: created, clientCame: false, now: at(FIRST_CLIENT_WAIT_MS) });
  assert.equal(over, { start: true, cause: 'NoClientCame' });
});

test('the first client starts it, even one that has left already', () => {
  assert.equal(decideStart({ grantExpiresAt: inFiveMinutes, createdAt: created, clientCame: true, now: at(5) }), { start: true, cause: 'ClientAttached' });
});

test('a grant that expires sooner than the bound ends the wait then: nobody can attach with it afterwards', () => {
  const expiresAt = at(3_000).toISOString();
  assert.equal(decideStart({ grantExpiresAt: expiresAt, createdAt: created, clientCame: false, now: at(1_000) }), { start: false, startBy: at(3_000) });
  assert.equal(decideStart({ grantExpiresAt: expiresAt, createdAt: created, clientCame: false, now: at(3_000) }), { start: true, cause: 'NoClientCame' });
  const expired = at(-1).toISOString();
  assert.equal(decideStart({ grantExpiresAt: expired, createdAt: created, clientCame: false, now: at(0) }), { start: true, cause: 'NoClientCame' });
});

test('an unreadable creation time starts the container rather than holding it for good', () => {
  assert.equal(decideStart({ grantExpiresAt: inFiveMinutes, createdAt: '', clientCame: false, now: at(0) }), { start: true, cause: 'NoClientCame' });
});

test.run();
