import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCast, play } from './replay-player.ts';

const cast = [
  JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1 }),
  JSON.stringify([0.5, 'o', '$ ']),
  JSON.stringify([1.0, 'i', 'ls\r']),
  JSON.stringify([1.5, 'o', 'ls\r\n']),
  JSON.stringify([1.6, 'r', '100x30']),
  JSON.stringify([61.5, 'o', 'bin\r\n']),
].join('\n') + '\n';

test('the header and events of an asciicast v2 file are read', () => {
  const { header, events } = parseCast(cast);
  assert.equal([header.width, header.height], [80, 24]);
  assert.is(events.length, 5);
});

test('something that is not asciicast v2 is refused', () => {
  assert.throws(() => parseCast('hello\n'), /not an asciicast file/);
  assert.throws(() => parseCast('{"version":1}\n'), /unsupported asciicast version 1/);
});

test('output plays with its timing, input is skipped and long pauses are capped', async () => {
  const written: string[] = [];
  const pauses: number[] = [];
  await play(parseCast(cast).events, {
    speed: 1,
    idleLimit: 2,
    write: (d) => written.push(d),
    sleep: async (ms) => void pauses.push(Math.round(ms)),
  });
  assert.equal(written, ['$ ', 'ls\r\n', 'bin\r\n']);
  assert.equal(pauses, [500, 1000, 2000]);
});

test('speed divides the pauses', async () => {
  const pauses: number[] = [];
  await play(parseCast(cast).events, { speed: 2, idleLimit: 2, write: () => {}, sleep: async (ms) => void pauses.push(Math.round(ms)) });
  assert.equal(pauses, [250, 500, 1000]);
});

test.run();
