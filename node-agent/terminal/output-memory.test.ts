import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OutputTail, UndeliveredOutput, utf8FromBoundary } from './output-memory.ts';

test('the tail keeps only the last bytes', () => {
  const tail = new OutputTail(5);
  tail.push(Buffer.from('abc'));
  tail.push(Buffer.from('defg'));
  assert.is(tail.text(), 'cdefg');
});

test('a tail cut inside a character starts at the next whole one', () => {
  assert.is(utf8FromBoundary(Buffer.from('€x').subarray(1)), 'x');
  const tail = new OutputTail(4);
  tail.push(Buffer.from('a€b'));
  assert.is(tail.text(), '€b');
});

test('undelivered output is handed out once, in order, with its channel', () => {
  const u = new UndeliveredOutput();
  u.push(1, Buffer.from('out'));
  u.push(2, Buffer.from('err'));
  const taken = u.take();
  assert.equal(taken.chunks.map((c) => `${c.channel}:${c.data}`), ['1:out', '2:err']);
  assert.is(taken.dropped, false);
  assert.equal(u.take().chunks, []);
});

test('past its limit the oldest undelivered output is dropped first', () => {
  const u = new UndeliveredOutput(6);
  u.push(1, Buffer.from('abcd'));
  u.push(1, Buffer.from('efgh'));
  const taken = u.take();
  assert.is(taken.chunks.map((c) => c.data.toString()).join(''), 'cdefgh');
  assert.is(taken.dropped, true);
});

test.run();
