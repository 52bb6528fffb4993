import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseOptions } from './options.ts';

test('defaults: every namespace, leader election, 8 reconciles at once, a one-minute resync', () => {
  const o = parseOptions([]);
  assert.equal(o.namespaces, []);
  assert.is(o.leaderElect, true);
  assert.is(o.concurrency, 8);
  assert.is(o.resyncMs, 60_000);
  assert.is(o.leaderElectionNamespace, o.leaseNamespace);
});

test('flags override the defaults', () => {
  const o = parseOptions(['--namespaces', 'a, b', '--no-leader-elect', '--concurrency', '3', '--resync-seconds', '1.5']);
  assert.equal(o.namespaces, ['a', 'b']);
  assert.is(o.leaderElect, false);
  assert.is(o.concurrency, 3);
  assert.is(o.resyncMs, 1500);
});

test('a bad number is refused with the flag named, never replaced by a default', () => {
  for (const value of ['0', '-2', '1.5', 'eight']) {
    assert.throws(() => parseOptions([`--concurrency=${value}`]), new RegExp(`--concurrency must be a whole number of at least 1, got "${value}"`));
  }
  assert.throws(() => parseOptions(['--resync-seconds', 'soon']), /--resync-seconds must be a number of seconds, got "soon"/);
});

test('an unknown flag is refused', () => {
  assert.throws(() => parseOptions(['--resync', '5']), /Unknown option '--resync'/);
});

test.run();
