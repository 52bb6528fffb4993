import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SessionSlots } from './session-slots.ts';

test('no more than max sessions get a slot, and a released slot can be taken again', () => {
  const slots = new SessionSlots(2);
  assert.ok(slots.tryReserve('a'));
  assert.ok(slots.tryReserve('b'));
  assert.not.ok(slots.tryReserve('c'));
  slots.release('a');
  assert.ok(slots.tryReserve('c'));
});

test('asking again for a slot already held succeeds without taking another', () => {
  const slots = new SessionSlots(1);
  assert.ok(slots.tryReserve('a'));
  assert.ok(slots.tryReserve('a'));
  assert.is(slots.used, 1);
});

test('adopted containers count even past the cap', () => {
  const slots = new SessionSlots(1);
  slots.hold('a');
  slots.hold('b');
  assert.is(slots.used, 2);
  assert.not.ok(slots.tryReserve('c'));
});

test.run();
