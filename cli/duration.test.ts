import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDuration, requireDuration } from './duration.ts';

test('plain numbers are seconds, as the seed config had them', () => {
  assert.is(parseDuration('90'), 90);
  assert.is(parseDuration(90), 90);
});

test('Go-style durations add up their parts', () => {
  assert.is(parseDuration('15m'), 900);
  assert.is(parseDuration('1h30m'), 5400);
  assert.is(parseDuration('1h0m5s'), 3605);
});

test('anything else is not a duration', () => {
  for (const bad of ['', 'soon', '1.5h', '-5', '5 m', '1d', 1.5, -1, true, null]) assert.is(parseDuration(bad), undefined, String(bad));
});

test('requireDuration names the flag and shows what is accepted', () => {
  assert.throws(() => requireDuration('soon', '--deadline'), /invalid --deadline "soon": expected seconds or a duration like 90s/);
});

test.run();
