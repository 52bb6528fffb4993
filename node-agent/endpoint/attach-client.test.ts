import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { encode, encodeClose, encodeResize, exitCodeOf } from '../../attach/channel-protocol.ts';
import { createLogger } from '../../log/logger.ts';
import type { TerminalClient } from '../terminal/session-terminal.ts';
import { serveAttachClient, type TerminalControls } from './attach-client.ts';

const quiet = createLogger({}, { write: () => {} });
const limits = { highWaterBytes: 64 << 10, lowWaterBytes: 16 << 10, maxBufferedBytes: 1 << 20, pingIntervalMs: 60_000 };

/** A terminal that records what clients do to it and lets the test speak as the container. */
function fakeTerminal() {
  const calls: string[] = [];
  let client: TerminalClient | undefined;
  const controls: TerminalControls = {
    addClient(c) {
      client = c;
      return () => void calls.push('detached');
    },
    writeStdin: (d) => {
      calls.push(`stdin:${d}`);
      return true;
    },
    onStdinDrained: (resume) => resume(),
    closeStdin: () => void calls.push('close-stdin'),
    resize: (w, h) => void calls.push(`resize:${w}x${h}`),
  };
  return { controls, calls, client: () => client! };
}

/** A WebSocket pair on 127.0.0.1 with serveAttachClient on the server side. */
async function connect(protocol: string) {
  const terminal = fakeTerminal();
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => serveAttachClient(ws, terminal.controls, limits, quiet));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const ws = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, [protocol]);
  const frames: Buffer[] = [];
  ws.on('message', (d: Buffer) => frames.push(d));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  await new Promise((r) => ws.once('open', r));
  const done = () => { ws.terminate(); wss.close(); http.close(); };
  return { ws, frames, closed, terminal, done };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

test('stdin, resize and a v5 close of stdin reach the terminal in order', async () => {
  const c = await connect('v5.channel.k8s.io');
  c.ws.send(encodeResize(120, 40));
  c.ws.send(encode(0, 'ls\n'));
  c.ws.send(encodeClose(0));
  await settle();
  assert.equal(c.terminal.calls, ['resize:120x40', 'stdin:ls\n', 'close-stdin']);
  c.done();
});

test('output goes out on its channel, and the exit status on channel 3 before a normal close', async () => {
  const c = await connect('v4.channel.k8s.io');
  c.terminal.client().output(1, Buffer.from('out'));
  c.terminal.client().output(2, Buffer.from('err'));
  c.terminal.client().exited(2);
  const { code } = await c.closed;
  assert.is(code, 1000);
  assert.equal(c.frames.map((f) => f[0]), [1, 2, 3]);
  const status = JSON.parse(c.frames[2]!.subarray(1).toString());
  assert.is(status.reason, 'NonZeroExitCode');
  assert.equal(status.details.causes, [{ reason: 'ExitCode', message: '2' }]);
  c.done();
});

test('a command that could not start ends the connection with a failure status that carries no exit code', async () => {
  const c = await connect('v5.channel.k8s.io');
  c.terminal.client().failed('starting the debug container failed: exec: "nope": not found');
  const { code } = await c.closed;
  assert.is(code, 1000);
  const status = JSON.parse(c.frames[0]!.subarray(1).toString());
  assert.equal([c.frames[0]![0], status.status, status.message], [3, 'Failure', 'starting the debug container failed: exec: "nope": not found']);
  assert.is(exitCodeOf(status), undefined);
  c.done();
});

test('a close signal on v4 is a protocol error', async () => {
  const c = await connect('v4.channel.k8s.io');
  c.ws.send(encodeClose(0));
  const { code, reason } = await c.closed;
  assert.is(code, 1002);
  assert.match(reason, /v5/);
  c.done();
});

test('a malformed resize, an unknown channel and a text frame each close the connection with the reason', async () => {
  for (const [frame, pattern] of [
    [Buffer.from([4, ...Buffer.from('{"Width":0}')]), /Width and Height/],
    [Buffer.from([9, 1]), /unknown channel/],
    [Buffer.from([1, 65]), /only stdin, resize and close/],
    ['hello', /text frames/],
  ] as const) {
    const c = await connect('v5.channel.k8s.io');
    c.ws.send(frame);
    const { code, reason } = await c.closed;
    assert.is(code, 1002);
    assert.match(reason, pattern);
    c.done();
  }
});

test('a client detaching is reported to the terminal', async () => {
  const c = await connect('v5.channel.k8s.io');
  c.ws.close();
  await settle();
  assert.equal(c.terminal.calls, ['detached']);
  c.done();
});

test('a client whose send buffer is over the bound is dropped instead of being waited for', () => {
  const terminal = fakeTerminal();
  let terminated = false;
  let sent = 0;
  const ws = {
    protocol: 'v5.channel.k8s.io', OPEN: 1, readyState: 1, bufferedAmount: 2 << 20,
    on() {}, ping() {}, send: () => void sent++, terminate: () => void (terminated = true), close() {},
  };
  serveAttachClient(ws as never, terminal.controls, limits, quiet);
  terminal.client().output(1, Buffer.from('x'));
  assert.ok(terminated);
  assert.is(sent, 0);
});

test('a client past its high-water mark asks the terminal to wait, and says when it has caught up', () => {
  const terminal = fakeTerminal();
  const sends: (() => void)[] = [];
  const ws = {
    protocol: 'v5.channel.k8s.io', OPEN: 1, readyState: 1, bufferedAmount: 0,
    on() {}, ping() {}, terminate() {}, close() {},
    send(frame: Buffer, cb: () => void) {
      ws.bufferedAmount += frame.length;
      sends.push(() => { ws.bufferedAmount -= frame.length; cb(); });
    },
  };
  serveAttachClient(ws as never, terminal.controls, limits, quiet);
  const client = terminal.client();
  assert.ok(client.output(1, Buffer.alloc(32 << 10)), 'below the mark');
  assert.not.ok(client.output(1, Buffer.alloc(40 << 10)), 'past the mark');
  let drained = 0;
  client.onDrain(() => drained++);
  sends.shift()!();
  assert.is(drained, 0, 'still above the low-water mark');
  sends.shift()!();
  assert.is(drained, 1, 'caught up');
  client.onDrain(() => drained++);
  assert.is(drained, 2, 'a client that is caught up says so at once');
});

test('a client that stops answering pings is dropped', async () => {
  const terminal = fakeTerminal();
  let pings = 0;
  let terminated = false;
  const ws = {
    protocol: 'v5.channel.k8s.io', OPEN: 1, readyState: 1, bufferedAmount: 0,
    on() {}, ping: () => void pings++, send() {}, terminate: () => void (terminated = true), close() {},
  };
  serveAttachClient(ws as never, terminal.controls, { ...limits, pingIntervalMs: 10 }, quiet);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(pings, 1, 'one ping, then no pong before the next interval');
  assert.ok(terminated);
});

test.run();
