import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { createLogger } from '../../log/logger.ts';
import type { DockerEngine } from '../docker/engine.ts';
import { multiplexedFrame } from '../docker/multiplexed-stream.ts';
import { AsciicastRecording } from './asciicast.ts';
import { BoundedFile } from './bounded-file.ts';
import { SessionTerminal, type TerminalClient } from './session-terminal.ts';

/** A container's attach streams: `output` is fed by the test, `input` records what the terminal writes. */
function fakeDocker() {
  const written: string[] = [];
  const resizes: string[] = [];
  let stdinEnded = false;
  const output = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
  const input = new Duplex({
    read() {},
    write(chunk, _e, cb) { written.push(chunk.toString()); cb(); },
    final(cb) { stdinEnded = true; cb(); },
  });
  const docker = {
    attach: async (_id: string, o: { stdin: boolean }) => (o.stdin ? input : output),
    resize: async (_id: string, w: number, h: number) => void resizes.push(`${w}x${h}`),
  } as unknown as DockerEngine;
  return { docker, output, written, resizes, stdinEnded: () => stdinEnded };
}

function fakeClient() {
  const got: string[] = [];
  const client: TerminalClient & { got: string[] } = {
    got,
    output: (channel, data) => (got.push(`${channel}:${data}`), true),
    onDrain: (callback) => callback(),
    exited: (code) => void got.push(`exit:${code}`),
    failed: (message) => void got.push(`failed:${message}`),
  };
  return client;
}

const dir = mkdtempSync(join(tmpdir(), 'term-'));
let n = 0;
const tick = () => new Promise((r) => setImmediate(r));

async function terminal(opts: { tty: boolean; stdin: boolean }) {
  const fake = fakeDocker();
  const paths = { cast: join(dir, `${n}.cast`), log: join(dir, `${n++}.log`) };
  let changes = 0;
  const t = new SessionTerminal({
    docker: fake.docker, containerID: 'c1', ...opts,
    recording: new AsciicastRecording(paths.cast, 100_000, () => new Date(0)),
    outputLog: new BoundedFile(paths.log, 100_000, () => ''),
    clock: () => new Date(0), log: createLogger({}, { write: () => {} }),
    onChange: () => void changes++,
  });
  await t.attach();
  return { t, ...fake, paths, changes: () => changes };
}

test('output made while nobody was attached goes to the first client, stdout and stderr apart', async () => {
  const { t, output } = await terminal({ tty: false, stdin: false });
  output.push(Buffer.concat([multiplexedFrame('stdout', 'out'), multiplexedFrame('stderr', 'err')]));
  await tick();
  const first = fakeClient();
  t.addClient(first);
  assert.equal(first.got, ['1:out', '2:err']);
  const second = fakeClient();
  t.addClient(second);
  assert.equal(second.got, []);
});

test('every attached client gets live output, and the log and recording get it too', async () => {
  const { t, output, paths } = await terminal({ tty: true, stdin: true });
  const a = fakeClient();
  const b = fakeClient();
  t.addClient(a);
  t.addClient(b);
  output.push(Buffer.from('$ ls\r\n'));
  await tick();
  assert.equal(a.got, ['1:$ ls\r\n']);
  assert.equal(b.got, ['1:$ ls\r\n']);
  t.finish(0);
  await t.dispose();
  assert.is(readFileSync(paths.log, 'utf8'), '$ ls\r\n');
  assert.match(readFileSync(paths.cast, 'utf8'), /"o","\$ ls\\r\\n"/);
});

/** A client that takes one chunk and then is behind until the test lets it drain. */
function slowClient() {
  const got: string[] = [];
  let drain: (() => void) | undefined;
  const client: TerminalClient = {
    output: (channel, data) => (got.push(`${channel}:${data}`), false),
    onDrain: (callback) => void (drain = callback),
    exited: () => {},
    failed: () => {},
  };
  return { client, got, drain: () => drain?.() };
}

test('a client that falls behind holds the output back until it drains, and nothing is lost', async () => {
  const { t, output } = await terminal({ tty: true, stdin: false });
  const slow = slowClient();
  const fast = fakeClient();
  t.addClient(slow.client);
  t.addClient(fast);
  output.push(Buffer.from('one'));
  await tick();
  output.push(Buffer.from('two'));
  await tick();
  assert.equal(slow.got, ['1:one'], 'the stream waits for the slow client');
  assert.equal(fast.got, ['1:one'], 'and for everyone: one stream per session');
  slow.drain();
  await tick();
  assert.equal(slow.got, ['1:one', '1:two']);
  assert.equal(fast.got, ['1:one', '1:two']);
});

test('a client that goes while behind lets the output flow again', async () => {
  const { t, output } = await terminal({ tty: true, stdin: false });
  const slow = slowClient();
  const fast = fakeClient();
  const detach = t.addClient(slow.client);
  t.addClient(fast);
  output.push(Buffer.from('one'));
  await tick();
  output.push(Buffer.from('two'));
  await tick();
  assert.equal(fast.got, ['1:one']);
  detach();
  await tick();
  assert.equal(fast.got, ['1:one', '1:two']);
});

test('at the exit attached clients get the status, and a later client gets the unseen output then the status', async () => {
  const { t, output } = await terminal({ tty: false, stdin: false });
  const early = fakeClient();
  const detach = t.addClient(early);
  detach();
  output.push(multiplexedFrame('stdout', 'done\n'));
  await tick();
  t.finish(3);
  const late = fakeClient();
  t.addClient(late);
  assert.equal(late.got, ['1:done\n', 'exit:3']);
  assert.equal(early.got, []);
  assert.is(t.facts().outputTail, 'done\n');
});

test('clients coming and going are counted and reported as a change', async () => {
  const { t, changes } = await terminal({ tty: true, stdin: true });
  assert.not.ok(t.hadClient);
  const detach = t.addClient(fakeClient());
  assert.ok(t.hadClient);
  assert.is(t.facts().attachedClients, 1);
  detach();
  assert.is(t.facts().attachedClients, 0);
  assert.is(changes(), 2);
  assert.ok(t.hadClient, 'a client that left still counts as having come');
  assert.is(t.facts().lastActivityAt, new Date(0).toISOString());
});

test('stdin reaches the container, and closing it without a TTY is end-of-file', async () => {
  const { t, written, stdinEnded } = await terminal({ tty: false, stdin: true });
  t.writeStdin(Buffer.from('hello\n'));
  t.closeStdin();
  await tick();
  assert.equal(written, ['hello\n']);
  assert.ok(stdinEnded());
  t.writeStdin(Buffer.from('more'));
  assert.equal(written, ['hello\n']);
});

test('with a TTY a client closing stdin does not end it for the others', async () => {
  const { t, stdinEnded } = await terminal({ tty: true, stdin: true });
  t.closeStdin();
  await tick();
  assert.not.ok(stdinEnded());
});

test('resizes reach a TTY container; without a TTY they are only recorded', async () => {
  const withTty = await terminal({ tty: true, stdin: true });
  withTty.t.resize(100, 40);
  assert.equal(withTty.resizes, ['100x40']);
  const without = await terminal({ tty: false, stdin: false });
  without.t.resize(100, 40);
  assert.equal(without.resizes, []);
});

test('a size asked for before the start is applied once the container has started', async () => {
  const { t, resizes } = await terminal({ tty: true, stdin: true });
  t.started();
  assert.equal(resizes, [], 'no size yet, nothing to apply');
  t.resize(100, 40);
  t.resize(120, 50);
  t.started();
  assert.equal(resizes, ['100x40', '120x50', '120x50']);
});

test('a command that could not start is reported to attached clients and to later ones', async () => {
  const { t } = await terminal({ tty: false, stdin: true });
  const early = fakeClient();
  t.addClient(early);
  t.fail('starting the debug container failed');
  t.finish(0);
  const late = fakeClient();
  t.addClient(late);
  assert.equal(early.got, ['failed:starting the debug container failed']);
  assert.equal(late.got, ['failed:starting the debug container failed']);
  assert.ok(t.hasExited);
});

test('the end of the output stream is noticed and reported', async () => {
  const { t, output, changes } = await terminal({ tty: true, stdin: false });
  output.push(null);
  await t.outputEnded(1000);
  assert.not.ok(t.streaming);
  assert.ok(changes() >= 1);
});

test.run();
