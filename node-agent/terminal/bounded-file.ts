// An append-only file that stops growing at a byte limit, ending with a note
// that says so, so a runaway command cannot fill the node's disk. Reopening
// an existing file continues it (an agent restart adopts the session).

import { closeSync, createWriteStream, openSync, readSync, statSync, type WriteStream } from 'node:fs';

export class BoundedFile {
  private readonly stream: WriteStream;
  private written: number;
  private full: boolean;
  private closed?: Promise<void>;

  /**
   * `closingNote` is written when the next append would pass the limit; room
   * for it is kept free so the file never exceeds `maxBytes`.
   */
  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly closingNote: (maxBytes: number) => string,
  ) {
    this.written = sizeOf(path);
    this.full = this.written >= maxBytes;
    this.stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
    this.stream.on('error', () => (this.full = true));
  }

  get bytes(): number {
    return this.written;
  }

  /** Whether the file existed with content when opened (or got some since). */
  get hasContent(): boolean {
    return this.written > 0;
  }

  get isFull(): boolean {
    return this.full;
  }

  /** Appends unless the limit is reached; returns false once it is. */
  append(data: string | Buffer): boolean {
    if (this.full) return false;
    const size = Buffer.byteLength(data);
    const note = this.closingNote(this.maxBytes);
    if (this.written + size + Buffer.byteLength(note) > this.maxBytes) {
      this.full = true;
      this.write(note);
      return false;
    }
    this.write(data);
    return true;
  }

  /** Flushes and closes; safe to call more than once. */
  close(): Promise<void> {
    this.full = true;
    this.closed ??= new Promise((resolve) => this.stream.end(() => resolve()));
    return this.closed;
  }

  private write(data: string | Buffer): void {
    this.written += Buffer.byteLength(data);
    this.stream.write(data);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The last `maxBytes` of a file, or an empty buffer when it cannot be read. */
export function readFileTail(path: string, maxBytes: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = statSync(path).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer;
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
