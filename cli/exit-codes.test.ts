import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exitStatus } from '../attach/channel-protocol.ts';
import { clampExitCode, exitCodeForSignal, exitCodeFromStatus } from './exit-codes.ts';

test('a successful remote command exits 0', () => {
  assert.equal(exitCodeFromStatus(exitStatus(0)), { code: 0 });
});

test("a remote command's non-zero exit code passes through unchanged", () => {
  for (const code of [1, 3, 127, 255]) assert.equal(exitCodeFromStatus(exitStatus(code)), { code });
});

test('a failure that is not an exit (e.g. the session was ended) exits 1 with its message', () => {
  const status = { status: 'Failure', reason: 'IdleTimeout', message: 'no client attached for 900s' };
  assert.equal(exitCodeFromStatus(status), { code: 1, message: 'no client attached for 900s' });
});

test('a failure without a message still says something', () => {
  assert.equal(exitCodeFromStatus({ status: 'Failure', reason: 'InternalError' }), { code: 1, message: 'InternalError' });
});

test('exit codes a process cannot have become 1, never 0', () => {
  assert.is(clampExitCode(256), 1);
  assert.is(clampExitCode(-1), 1);
  assert.is(clampExitCode(2.5), 1);
  assert.is(clampExitCode(42), 42);
});

test('signals map to 128 + their number, as shells report them', () => {
  assert.is(exitCodeForSignal('SIGINT'), 130);
  assert.is(exitCodeForSignal('SIGTERM'), 143);
  assert.is(exitCodeForSignal('SIGHUP'), 129);
});

test.run();
