import { test } from 'uvu';
import * as assert from 'uvu/assert';
import stringWidth from './string-width-lite.ts';

test('plain text is one column a character', () => {
  assert.is(stringWidth('kubectl dbg POD [-c CONTAINER]'), 30);
});

test('colour codes take no columns', () => {
  assert.is(stringWidth('\x1b[31merror\x1b[39m'), 5);
});

test('East Asian wide characters and emoji take two columns, combining marks none', () => {
  assert.is(stringWidth('日本'), 4);
  assert.is(stringWidth('🙂'), 2);
  assert.is(stringWidth('e\u0301'), 1);
});

test.run();
