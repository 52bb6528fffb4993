// Plays an asciicast v2 recording on the terminal with its original timing,
// long pauses shortened (as `asciinema play -i` does) so a session that sat
// idle for ten minutes does not replay for ten minutes.

export interface CastHeader {
  version: number;
  width: number;
  height: number;
  timestamp?: number;
}

export type CastEvent = [seconds: number, type: string, data: string];

export function parseCast(text: string): { header: CastHeader; events: CastEvent[] } {
  const lines = text.split('\n').filter((l) => l.trim());
  let header: CastHeader;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    throw new Error('the recording is not an asciicast file (no JSON header line)');
  }
  if (header.version !== 2) throw new Error(`unsupported asciicast version ${header.version}; expected 2`);
  const events: CastEvent[] = [];
  for (const line of lines.slice(1)) {
    const event = JSON.parse(line);
    if (Array.isArray(event) && typeof event[0] === 'number' && typeof event[1] === 'string') events.push(event as CastEvent);
  }
  return { header, events };
}

export interface PlayOptions {
  /** 2 plays twice as fast. */
  speed: number;
  /** Longest pause in seconds between two outputs. */
  idleLimit: number;
  write: (data: string) => void;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/** Writes each output event after its (shortened, sped-up) delay; input and markers are skipped. */
export async function play(events: CastEvent[], opts: PlayOptions): Promise<void> {
  let previous = 0;
  for (const [at, type, data] of events) {
    opts.signal?.throwIfAborted();
    if (type !== 'o') continue;
    const pause = Math.min(Math.max(at - previous, 0), opts.idleLimit) / opts.speed;
    previous = at;
    if (pause > 0.001) await opts.sleep(pause * 1000);
    opts.write(data);
  }
}
