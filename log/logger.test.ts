import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger({ program: 'test' }, { json: true, level: 'info', write: (l) => lines.push(l) }) };
}

test('a JSON log line carries the message, level and fields', () => {
  const { lines, log } = capture();
  log.info({ session: 'ns/a' }, 'Started debug container');
  const entry = JSON.parse(lines[0]!);
  assert.is(entry.msg, 'Started debug container');
  assert.is(entry.level, 'info');
  assert.is(entry.session, 'ns/a');
  assert.is(entry.program, 'test');
});

test('fields that look like secrets are never written', () => {
  const { lines, log } = capture();
  log.warn({ token: 's3cr3t', authorization: 'Bearer s3cr3t', tokenSHA256: 'abc' }, 'Refused attach');
  assert.not.match(lines[0]!, 's3cr3t');
});

test('messages below the level are dropped', () => {
  const { lines, log } = capture();
  log.debug({}, 'Noticed detail');
  assert.is(lines.length, 0);
});

test.run();
