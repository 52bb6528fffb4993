import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MultiplexedStreamParser, multiplexedFrame } from './multiplexed-stream.ts';

const texts = (chunks: { stream: string; data: Buffer }[]) => chunks.map((c) => `${c.stream}:${c.data.toString()}`);

test('whole frames come out as stdout and stderr chunks in order', () => {
  const parser = new MultiplexedStreamParser();
  const bytes = Buffer.concat([multiplexedFrame('stdout', 'out'), multiplexedFrame('stderr', 'err')]);
  assert.equal(texts(parser.push(bytes)), ['stdout:out', 'stderr:err']);
});

test('a frame split across reads, even inside its header, comes out once complete', () => {
  const parser = new MultiplexedStreamParser();
  const frame = multiplexedFrame('stdout', 'hello world');
  assert.equal(parser.push(frame.subarray(0, 3)), []);
  assert.equal(parser.push(frame.subarray(3, 10)), []);
  assert.equal(texts(parser.push(frame.subarray(10))), ['stdout:hello world']);
  assert.is(parser.buffered, 0);
});

test('the start of the next frame waits behind a finished one', () => {
  const parser = new MultiplexedStreamParser();
  const second = multiplexedFrame('stderr', 'two');
  const bytes = Buffer.concat([multiplexedFrame('stdout', 'one'), second.subarray(0, 5)]);
  assert.equal(texts(parser.push(bytes)), ['stdout:one']);
  assert.equal(texts(parser.push(second.subarray(5))), ['stderr:two']);
});

test('empty frames produce no chunk', () => {
  const parser = new MultiplexedStreamParser();
  assert.equal(parser.push(multiplexedFrame('stdout', '')), []);
});

test("the daemon's own error stream (3) is reported on stderr", () => {
  const parser = new MultiplexedStreamParser();
  const frame = multiplexedFrame('stdout', 'oops');
  frame[0] = 3;
  assert.equal(texts(parser.push(frame)), ['stderr:oops']);
});

test.run();
