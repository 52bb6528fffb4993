// Something that takes keystrokes and shows what a terminal would print:
// a command run in a pseudo-terminal (script(1)), or a raw attach
// WebSocket. The keystroke benchmark times one byte from send to echo.

import { spawn } from 'node:child_process';
import WebSocket from 'ws';
import { Channel, encode, encodeResize } from '../../attach/channel-protocol.ts';

export interface Typist {
  send(bytes: string): void;
  /** Resolves with performance.now() when `text` has arrived after this call. */
  expect(text: string, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/** Collects output and wakes whoever waits for a piece of it. */
class Screen {
  private seen = '';
  private waiter?: { text: string; resolve: (at: number) => void };

  push(data: string): void {
    this.seen += data;
    if (this.waiter && this.seen.includes(this.waiter.text)) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      this.seen = '';
      resolve(performance.now());
    }
  }

  expect(text: string, timeoutMs: number, onTimeout: () => string): Promise<number> {
    this.seen = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${JSON.stringify(text)}" within ${timeoutMs} ms; output: ${JSON.stringify(onTimeout().slice(-300))}`)), timeoutMs);
      this.waiter = { text, resolve: (at) => (clearTimeout(timer), resolve(at)) };
    });
  }

  get text(): string {
    return this.seen;
  }
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs argv in a pseudo-terminal of 120x40 made by script(1), fed through a pipe. */
export function inPty(argv: string[], env: NodeJS.ProcessEnv): Typist {
  const command = `stty cols 120 rows 40; exec ${argv.map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const screen = new Screen();
  let log = '';
  child.stdout.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-2000);
    screen.push(d.toString());
  });
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-2000)));
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  return {
    send: (bytes) => void child.stdin.write(bytes),
    expect: (text, timeoutMs = 30_000) => screen.expect(text, timeoutMs, () => log),
    async close() {
      child.stdin.write('\x04');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An attach WebSocket straight to the agent: no CLI, no local terminal. */
export async function rawAttach(url: string, token: string): Promise<Typist> {
  // The benchmark is its own client of a certificate it does not pin; the CLI pins it.
  const ws = new WebSocket(url, ['v5.channel.k8s.io'], { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false, perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(encodeResize(120, 40));
  const screen = new Screen();
  let log = '';
  ws.on('message', (data: Buffer) => {
    if (data[0] !== Channel.stdout && data[0] !== Channel.stderr) return;
    const text = data.subarray(1).toString();
    log = (log + text).slice(-2000);
    screen.push(text);
  });
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  return {
    send: (bytes) => ws.send(encode(Channel.stdin, bytes)),
    expect: (text, timeoutMs = 30_000) => screen.expect(text, timeoutMs, () => log),
    async close() {
      ws.send(encode(Channel.stdin, '\x04'));
      const timer = setTimeout(() => ws.terminate(), 10_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
