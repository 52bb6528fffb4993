// The terminal of one debug container. The agent itself attaches to the
// container from before it starts, so the recording and the output log see
// everything even when no client is attached; clients get a copy of that one
// stream. A client that reads slower than the command writes holds the
// stream back (and so the command, as a terminal or `kubectl exec` would)
// rather than losing output; a client that stops reading altogether stops
// answering pings and is dropped by its own connection, which lets the
// stream go on. Other sessions have streams of their own.

import type { Duplex } from 'node:stream';
import type { Logger } from '../../log/logger.ts';
import type { DockerEngine } from '../docker/engine.ts';
import { MultiplexedStreamParser, type OutputStream } from '../docker/multiplexed-stream.ts';
import type { AsciicastRecording } from './asciicast.ts';
import type { BoundedFile } from './bounded-file.ts';
import { OutputTail, UndeliveredOutput, type OutputChannel } from './output-memory.ts';

/** One attached client, as the terminal sees it. */
export interface TerminalClient {
  /** false: the client has as much queued as it should; wait for `onDrain` before more. */
  output(channel: OutputChannel, data: Buffer): boolean;
  /** Calls back once the client has caught up (its queue is low again). */
  onDrain(callback: () => void): void;
  /** The command ended; the client sends the exit status and goes. */
  exited(exitCode: number): void;
  /** The command never ran (its start failed); the client says why and goes. */
  failed(message: string): void;
}

export interface TerminalOptions {
  docker: DockerEngine;
  containerID: string;
  tty: boolean;
  stdin: boolean;
  recording: AsciicastRecording;
  outputLog: BoundedFile;
  clock: () => Date;
  log: Logger;
  /** Called when clients come or go and when the output stream ends: status may need writing. */
  onChange: () => void;
}

const REATTACH_INTERVAL_MS = 1_000;
const CHANNEL: Record<OutputStream, OutputChannel> = { stdout: 1, stderr: 2 };

export class SessionTerminal {
  private output?: Duplex;
  private input?: Duplex;
  private outputEnd?: Promise<void>;
  private readonly clients = new Set<TerminalClient>();
  /** Clients the output stream is paused for, until each has drained or gone. */
  private readonly behind = new Set<TerminalClient>();
  private readonly tail = new OutputTail();
  private readonly undelivered = new UndeliveredOutput();
  private lastActivity?: Date;
  private exitCode?: number;
  private exitedAt?: Date;
  private failure?: string;
  /** The last size a client asked for: a container held before its start cannot be resized yet. */
  private size?: { width: number; height: number };
  private stdinClosed = false;
  private clientCame = false;
  private firstClientCame?: () => void;
  private readonly firstClient = new Promise<void>((resolve) => (this.firstClientCame = resolve));
  private lastAttachAt = 0;

  constructor(private readonly o: TerminalOptions) {}

  get containerID(): string {
    return this.o.containerID;
  }

  /** Whether the agent's attach stream is open. */
  get streaming(): boolean {
    return this.output !== undefined;
  }

  /** Whether any client has attached so far (a container held for its first client starts then). */
  get hadClient(): boolean {
    return this.clientCame;
  }

  /** Resolves when the first client attaches (at once if one did). */
  clientArrival(): Promise<void> {
    return this.firstClient;
  }

  /** Whether the command exited, or failed to start. */
  get hasExited(): boolean {
    return this.exitCode !== undefined || this.failure !== undefined;
  }

  /** When the agent learnt of the exit; late clients are served until the terminal is disposed. */
  get finishedAt(): Date | undefined {
    return this.exitedAt;
  }

  /**
   * Opens the agent's attach streams unless open. Output and stdin are two
   * attaches: ending stdin (end-of-file for the command) must not end the
   * agent's output stream, which Docker does when both share one attach.
   */
  async attach(): Promise<void> {
    if (this.output || this.hasExited) return;
    // A stream that keeps ending at once must not make a busy loop of reconciles.
    const sinceLast = Date.now() - this.lastAttachAt;
    if (sinceLast < REATTACH_INTERVAL_MS) await new Promise((r) => setTimeout(r, REATTACH_INTERVAL_MS - sinceLast));
    if (this.output || this.hasExited) return;
    this.lastAttachAt = Date.now();
    const output = await this.o.docker.attach(this.o.containerID, { stdin: false });
    this.output = output;
    this.outputEnd = this.follow(output);
    if (this.o.stdin && !this.stdinClosed) {
      this.input = await this.o.docker.attach(this.o.containerID, { stdin: true });
      this.input.on('error', (err) => this.o.log.debug({ err }, 'Lost stdin stream of debug container'));
      this.input.on('close', () => (this.input = undefined));
      // The stdin attach carries no output of its own; keep it flowing.
      this.input.resume();
    }
  }

  /** Resolves when the output stream has ended, or after timeoutMs. */
  async outputEnded(timeoutMs: number): Promise<void> {
    if (!this.outputEnd) return;
    // Time a client behind spends catching up does not count: the rest of the
    // output is still in the paused stream, and a client that stopped reading
    // is dropped by its pings, which lets the stream go on.
    let timer: NodeJS.Timeout | undefined;
    const quiet = new Promise<void>((resolve) => {
      const check = () => (this.behind.size > 0 ? (timer = setTimeout(check, timeoutMs).unref()) : resolve());
      timer = setTimeout(check, timeoutMs).unref();
    });
    await Promise.race([this.outputEnd, quiet]);
    clearTimeout(timer);
  }

  /** Adds a client and gives it what nobody has seen yet; after the exit (or a failed start), also how it ended. */
  addClient(client: TerminalClient): () => void {
    const { chunks } = this.undelivered.take();
    for (const c of chunks) client.output(c.channel, c.data);
    if (this.failure !== undefined) {
      client.failed(this.failure);
      return () => {};
    }
    if (this.exitCode !== undefined) {
      client.exited(this.exitCode);
      return () => {};
    }
    this.clients.add(client);
    this.clientCame = true;
    this.firstClientCame?.();
    this.touch();
    return () => {
      this.caughtUp(client);
      if (this.clients.delete(client)) this.touch();
    };
  }

  /**
   * Writes to the command's stdin; false when Docker is not taking it as fast
   * as it comes, and the client should wait for `onStdinDrained`.
   */
  writeStdin(data: Buffer): boolean {
    if (!this.input || this.stdinClosed) return true;
    return this.input.write(data);
  }

  onStdinDrained(resume: () => void): void {
    if (this.input) this.input.once('drain', resume);
    else resume();
  }

  /** A client said it will send no more. Without a TTY that is end-of-file for the command. */
  closeStdin(): void {
    if (this.o.tty || !this.input || this.stdinClosed) return;
    this.stdinClosed = true;
    this.input.end();
  }

  resize(width: number, height: number): void {
    this.o.recording.resize(width, height);
    this.size = { width, height };
    this.applySize();
  }

  /** The container was just started: a size asked for while it waited for this start applies now. */
  started(): void {
    this.applySize();
  }

  /** The container exited: every client gets the status, later ones get it on arrival. */
  finish(exitCode: number): void {
    if (this.hasExited) return;
    this.exitCode = exitCode;
    this.exitedAt = this.o.clock();
    for (const client of this.clients) client.exited(exitCode);
    this.clients.clear();
    this.input?.destroy();
    void this.filesClosed();
  }

  /** Resolves when the recording and the output log are complete on disk, for whoever reads them next. */
  filesClosed(): Promise<void> {
    return Promise.all([this.o.recording.close(), this.o.outputLog.close()]).then(() => {});
  }

  /** The container could not start: clients are told why, and so is any that comes later. */
  fail(message: string): void {
    if (this.hasExited) return;
    this.failure = message;
    this.exitedAt = this.o.clock();
    for (const client of this.clients) client.failed(message);
    this.clients.clear();
    this.input?.destroy();
  }

  facts(): { attachedClients: number; lastActivityAt?: string; outputTail: string; recordingBytes: number } {
    return {
      attachedClients: this.clients.size,
      lastActivityAt: this.lastActivity?.toISOString(),
      outputTail: this.tail.text(),
      recordingBytes: this.o.recording.bytes,
    };
  }

  files(): string[] {
    return [this.o.recording.path, this.o.outputLog.path];
  }

  /** Closes streams and files; the container itself is the reconciler's business. */
  async dispose(): Promise<void> {
    this.output?.destroy();
    this.input?.destroy();
    await this.filesClosed();
  }

  private applySize(): void {
    if (!this.o.tty || !this.size) return;
    const { width, height } = this.size;
    this.o.docker.resize(this.o.containerID, width, height).catch((err) => this.o.log.debug({ err }, 'Failed to resize debug container'));
  }

  private touch(): void {
    this.lastActivity = this.o.clock();
    this.o.onChange();
  }

  private follow(stream: Duplex): Promise<void> {
    const parser = this.o.tty ? undefined : new MultiplexedStreamParser();
    stream.on('data', (bytes: Buffer) => {
      if (!parser) this.deliver('stdout', bytes);
      else for (const chunk of parser.push(bytes)) this.deliver(chunk.stream, chunk.data);
    });
    return new Promise((resolve) => {
      const done = () => {
        if (this.output !== stream) return resolve();
        this.output = undefined;
        resolve();
        this.o.onChange();
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', (err) => {
        this.o.log.warn({ err }, 'Lost output stream of debug container');
        done();
      });
    });
  }

  private deliver(stream: OutputStream, data: Buffer): void {
    this.o.recording.output(stream, data);
    this.o.outputLog.append(data);
    this.tail.push(data);
    const channel = CHANNEL[stream];
    if (this.clients.size === 0) return this.undelivered.push(channel, data);
    for (const client of this.clients) {
      if (client.output(channel, data) || this.behind.has(client)) continue;
      this.behind.add(client);
      this.output?.pause();
      client.onDrain(() => this.caughtUp(client));
    }
  }

  /** A client drained or left: once nobody is behind, the output flows again. */
  private caughtUp(client: TerminalClient): void {
    if (!this.behind.delete(client) || this.behind.size > 0) return;
    this.output?.resume();
  }
}
