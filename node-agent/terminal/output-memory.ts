// The two bits of output the agent keeps in memory per session: the last
// couple of kilobytes (status.runtime.outputTail, for unattended commands)
// and what nobody has seen yet (output produced while no client was
// attached, handed to the next client, so a command that finished before
// its caller attached still shows its output).

export type OutputChannel = 1 | 2;

/** The last `limit` bytes of output, cut at a character boundary. */
export class OutputTail {
  private tail = Buffer.alloc(0);

  constructor(private readonly limit = 2048) {}

  push(data: Buffer): void {
    const joined = Buffer.concat([this.tail, data]);
    this.tail = joined.length > this.limit ? joined.subarray(joined.length - this.limit) : joined;
  }

  text(): string {
    return utf8FromBoundary(this.tail);
  }
}

/** Drops leading UTF-8 continuation bytes (10xxxxxx) left by cutting inside a character. */
export function utf8FromBoundary(bytes: Buffer): string {
  let start = 0;
  while (start < bytes.length && start < 3 && (bytes[start]! & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}

/** Output nobody received, oldest dropped first past `limit` bytes. */
export class UndeliveredOutput {
  private chunks: { channel: OutputChannel; data: Buffer }[] = [];
  private bytes = 0;
  /** Whether older output had to be dropped. */
  private dropped = false;

  constructor(private readonly limit = 64 * 1024) {}

  push(channel: OutputChannel, data: Buffer): void {
    this.chunks.push({ channel, data });
    this.bytes += data.length;
    while (this.bytes > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.bytes - this.limit;
      if (first.data.length <= excess) {
        this.chunks.shift();
        this.bytes -= first.data.length;
      } else {
        first.data = first.data.subarray(excess);
        this.bytes -= excess;
      }
      this.dropped = true;
    }
  }

  /** Hands out everything held and forgets it. */
  take(): { chunks: { channel: OutputChannel; data: Buffer }[]; dropped: boolean } {
    const taken = { chunks: this.chunks, dropped: this.dropped };
    this.chunks = [];
    this.bytes = 0;
    this.dropped = false;
    return taken;
  }

  get size(): number {
    return this.bytes;
  }
}
