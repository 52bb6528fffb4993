// Docker's multiplexed stdio stream (a container without a TTY): each chunk
// of output is an 8-byte header, [stream, 0, 0, 0, size as uint32 BE], then
// `size` bytes. Stream 1 is stdout, 2 is stderr. Network reads split and join
// frames anywhere, so the parser keeps what it has not finished.

export type OutputStream = 'stdout' | 'stderr';

export interface OutputChunk {
  stream: OutputStream;
  data: Buffer;
}

const HEADER_BYTES = 8;

export class MultiplexedStreamParser {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes as read; returns every chunk completed by them. */
  push(bytes: Buffer): OutputChunk[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const chunks: OutputChunk[] = [];
    while (this.pending.length >= HEADER_BYTES) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER_BYTES + size) break;
      const kind = this.pending[0];
      const data = this.pending.subarray(HEADER_BYTES, HEADER_BYTES + size);
      this.pending = this.pending.subarray(HEADER_BYTES + size);
      // Stream 0 (stdin echo) and 3 (systemerr) are not output of the command;
      // stream 3 carries the daemon's error text, which belongs on stderr.
      if (data.length > 0 && kind !== 0) chunks.push({ stream: kind === 1 ? 'stdout' : 'stderr', data });
    }
    return chunks;
  }

  /** Bytes of an unfinished frame, for tests and diagnostics. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Builds one frame as Docker sends it (tests, fakes). */
export function multiplexedFrame(stream: OutputStream, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
