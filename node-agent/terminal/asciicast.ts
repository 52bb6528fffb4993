// A session's terminal output and resizes as an asciicast v2 recording,
// which Debian's `asciinema play` replays: one JSON header line, then one
// `[seconds, code, data]` line per event ("o" output, "r" resize, "m" marker).

import { readFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { BoundedFile } from './bounded-file.ts';

export const DEFAULT_SIZE = { width: 80, height: 24 };

export function asciicastHeader(width: number, height: number, startedAt: Date): string {
  return JSON.stringify({ version: 2, width, height, timestamp: Math.floor(startedAt.getTime() / 1000), env: { TERM: 'xterm-256color' } }) + '\n';
}

export function asciicastEvent(seconds: number, code: 'o' | 'r' | 'm', data: string): string {
  return JSON.stringify([Math.round(seconds * 1e6) / 1e6, code, data]) + '\n';
}

/** Reads the start time from an existing recording's header, to continue its clock. */
export function recordingStartedAt(path: string): Date | undefined {
  try {
    const firstLine = readFileSync(path, 'utf8').split('\n', 1)[0]!;
    const header = JSON.parse(firstLine) as { timestamp?: number };
    return typeof header.timestamp === 'number' ? new Date(header.timestamp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

export class AsciicastRecording {
  private readonly file: BoundedFile;
  private startedAt?: Date;
  /** Per output stream, so a UTF-8 character split across reads is not mangled. */
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };

  constructor(path: string, maxBytes: number, private readonly clock: () => Date) {
    this.file = new BoundedFile(path, maxBytes, (max) => asciicastEvent(this.elapsed(), 'm', `recording stopped: it reached the limit of ${max} bytes`));
    if (this.file.hasContent) this.startedAt = recordingStartedAt(path) ?? clock();
  }

  get bytes(): number {
    return this.file.bytes;
  }

  get path(): string {
    return this.file.path;
  }

  output(stream: 'stdout' | 'stderr', data: Buffer): void {
    // Past the size limit nothing is written: decoding and JSON-encoding the
    // output anyway cost most of the agent's CPU on a large output.
    if (this.file.isFull) return;
    const text = this.decoders[stream].write(data);
    if (text) this.event('o', text);
  }

  /** The first resize before any output sets the header's size instead of being an event. */
  resize(width: number, height: number): void {
    if (!this.startedAt) {
      this.start(width, height);
      return;
    }
    this.event('r', `${width}x${height}`);
  }

  marker(text: string): void {
    this.event('m', text);
  }

  close(): Promise<void> {
    return this.file.close();
  }

  private start(width: number, height: number): void {
    this.startedAt = this.clock();
    this.file.append(asciicastHeader(width, height, this.startedAt));
  }

  private event(code: 'o' | 'r' | 'm', data: string): void {
    if (this.file.isFull) return;
    if (!this.startedAt) this.start(DEFAULT_SIZE.width, DEFAULT_SIZE.height);
    this.file.append(asciicastEvent(this.elapsed(), code, data));
  }

  private elapsed(): number {
    return this.startedAt ? Math.max(0, (this.clock().getTime() - this.startedAt.getTime()) / 1000) : 0;
  }
}
