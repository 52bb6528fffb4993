import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setCondition } from './condition-set.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');
const ready = { type: 'Ready', status: 'True' as const, reason: 'ContainerRunning', message: 'running', observedGeneration: 1 };

test('a new condition gets the current time as its transition time', () => {
  assert.equal(setCondition([], ready, t0), [{ ...ready, lastTransitionTime: t0.toISOString() }]);
});

test('a condition whose status did not change keeps its transition time but takes the new message', () => {
  const first = setCondition([], ready, t0);
  const again = setCondition(first, { ...ready, message: 'still running' }, t1);
  assert.is(again[0]!.lastTransitionTime, t0.toISOString());
  assert.is(again[0]!.message, 'still running');
});

test('a condition whose status changed gets a new transition time', () => {
  const first = setCondition([], ready, t0);
  const flipped = setCondition(first, { ...ready, status: 'False', reason: 'ContainerExited' }, t1);
  assert.is(flipped[0]!.lastTransitionTime, t1.toISOString());
  assert.is(flipped.length, 1);
});

test('other conditions are left as they were', () => {
  const list = setCondition([{ ...ready, type: 'Assigned', lastTransitionTime: 'x' }], ready, t0);
  assert.is(list.length, 2);
  assert.is(list[0]!.lastTransitionTime, 'x');
});

test.run();
