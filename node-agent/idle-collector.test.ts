import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IdleCollector } from './idle-collector.ts';

test('collects only while no session is live', () => {
  let idle = true;
  let collections = 0;
  const collector = new IdleCollector(() => idle, 60_000, () => collections++);
  collector.tick();
  idle = false;
  collector.tick();
  assert.is(collections, 1);
});

test('without --expose-gc there is nothing to call, and start() sets no timer', () => {
  const collector = new IdleCollector(() => true, 1, undefined);
  assert.is(collector.enabled, false);
  collector.start();
  collector.tick();
  collector.stop();
});

test('runs on its interval once started', async () => {
  let collections = 0;
  const collector = new IdleCollector(() => true, 5, () => collections++);
  collector.start();
  // The timer is unref'd; a ref'd wait keeps the test alive meanwhile.
  await new Promise((r) => setTimeout(r, 40));
  collector.stop();
  assert.ok(collections >= 2, `collected ${collections} times`);
});

test.run();
