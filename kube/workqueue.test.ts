import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkQueue } from './workqueue.ts';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('a key added many times while waiting is processed once', async () => {
  const seen: string[] = [];
  const q = new WorkQueue(async (k) => void seen.push(k), { concurrency: 1 });
  q.add('a');
  q.add('b');
  q.add('b');
  q.add('b');
  await q.idle();
  assert.equal(seen, ['a', 'b']);
});

test('one key is never reconciled twice at once, and a change during a run is not lost', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let runs = 0;
  const q = new WorkQueue(async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    runs++;
    await tick(20);
    inFlight--;
  });
  q.add('a');
  await tick(5);
  q.add('a'); // arrives while 'a' runs
  q.add('a');
  await tick(60);
  await q.idle();
  assert.is(maxInFlight, 1);
  assert.is(runs, 2);
});

test('different keys run in parallel', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const q = new WorkQueue(async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await tick(10);
    inFlight--;
  }, { concurrency: 4 });
  ['a', 'b', 'c'].forEach((k) => q.add(k));
  await q.idle();
  assert.is(maxInFlight, 3);
});

test('a failing key is retried with growing, capped backoff', async () => {
  const delays: number[] = [];
  let attempts = 0;
  const q = new WorkQueue(async () => {
    attempts++;
    if (attempts < 4) throw new Error('boom');
  }, { baseBackoffMs: 1, maxBackoffMs: 3, onError: (_k, _e, ms) => delays.push(ms) });
  q.add('a');
  await tick(50);
  await q.idle();
  assert.equal(delays, [1, 2, 3]);
  assert.is(attempts, 4);
  q.stop();
});

test('a result with requeueAfterMs brings the key back after that time', async () => {
  let runs = 0;
  const q = new WorkQueue(async () => (++runs === 1 ? { requeueAfterMs: 10 } : {}));
  q.add('a');
  await tick(40);
  await q.idle();
  assert.is(runs, 2);
});

test('a stopped queue accepts nothing more', async () => {
  let runs = 0;
  const q = new WorkQueue(async () => void runs++);
  q.stop();
  q.add('a');
  await tick(5);
  assert.is(runs, 0);
});

test.run();
