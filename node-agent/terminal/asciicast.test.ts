import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsciicastRecording, asciicastEvent, asciicastHeader } from './asciicast.ts';

const dir = mkdtempSync(join(tmpdir(), 'cast-'));
let n = 0;
const file = () => join(dir, `r${n++}.cast`);
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

function clockFrom(start: number) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

test('the header is asciicast v2 with size and start time in seconds', () => {
  assert.equal(JSON.parse(asciicastHeader(120, 40, new Date(1_700_000_000_500))), {
    version: 2, width: 120, height: 40, timestamp: 1_700_000_000, env: { TERM: 'xterm-256color' },
  });
  assert.is(asciicastEvent(1.5, 'o', 'hi\r\n'), '[1.5,"o","hi\\r\\n"]\n');
});

test('output before any resize gets an 80x24 header; later resizes are "r" events', async () => {
  const { clock, advance } = clockFrom(1_700_000_000_000);
  const path = file();
  const rec = new AsciicastRecording(path, 10_000, clock);
  rec.output('stdout', Buffer.from('$ '));
  advance(1500);
  rec.resize(100, 30);
  await rec.close();
  const [header, out, resize] = lines(path);
  assert.equal([header.width, header.height], [80, 24]);
  assert.equal(out, [0, 'o', '$ ']);
  assert.equal(resize, [1.5, 'r', '100x30']);
});

test('a resize before any output sets the header size', async () => {
  const { clock } = clockFrom(0);
  const path = file();
  const rec = new AsciicastRecording(path, 10_000, clock);
  rec.resize(132, 43);
  rec.output('stdout', Buffer.from('x'));
  await rec.close();
  const [header, ...events] = lines(path);
  assert.equal([header.width, header.height], [132, 43]);
  assert.equal(events, [[0, 'o', 'x']]);
});

test('a UTF-8 character split across reads is recorded whole', async () => {
  const { clock } = clockFrom(0);
  const path = file();
  const rec = new AsciicastRecording(path, 10_000, clock);
  const euro = Buffer.from('€');
  rec.output('stdout', euro.subarray(0, 1));
  rec.output('stdout', euro.subarray(1));
  await rec.close();
  assert.equal(lines(path).slice(1), [[0, 'o', '€']]);
});

test('the recording stops at its limit with a marker and never passes it', async () => {
  const { clock } = clockFrom(0);
  const path = file();
  const rec = new AsciicastRecording(path, 400, clock);
  for (let i = 0; i < 50; i++) rec.output('stdout', Buffer.from('0123456789'));
  await rec.close();
  const all = lines(path);
  const last = all[all.length - 1];
  assert.is(last[1], 'm');
  assert.match(last[2], /limit of 400 bytes/);
  assert.ok(readFileSync(path).length <= 400);
});

test('reopening continues the file and its clock', async () => {
  const { clock, advance } = clockFrom(1_700_000_000_000);
  const path = file();
  const first = new AsciicastRecording(path, 10_000, clock);
  first.output('stdout', Buffer.from('a'));
  await first.close();
  advance(10_000);
  const second = new AsciicastRecording(path, 10_000, clock);
  second.output('stdout', Buffer.from('b'));
  await second.close();
  const all = lines(path);
  assert.is(all.length, 3);
  assert.equal(all[2], [10, 'o', 'b']);
});

test.run();
