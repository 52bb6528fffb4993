// The Kubernetes remote-command WebSocket protocol (what `kubectl exec` and
// `kubectl attach` speak to the API server): binary frames whose first byte
// names the channel. Speaking it unchanged lets any Kubernetes client attach.

export const SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

export const Channel = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4 } as const;
/** v5 only: `[255, channel]` says the sender will send no more on that channel. */
export const CLOSE_SIGNAL = 255;

/** Frames bigger than this are refused; stdin and resize frames are tiny. */
export const MAX_FRAME_BYTES = 64 * 1024;

export type Frame =
  | { kind: 'data'; channel: number; data: Buffer }
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'close'; channel: number };

export function encode(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.of(channel), payload]);
}

export function encodeResize(width: number, height: number): Buffer {
  return encode(Channel.resize, JSON.stringify({ Width: width, Height: height }));
}

export function encodeClose(channel: number): Buffer {
  return Buffer.of(CLOSE_SIGNAL, channel);
}

/** Parses one frame; throws with a reason a peer can be told for anything malformed. */
export function decode(frame: Buffer): Frame {
  if (frame.length === 0) throw new Error('empty frame');
  if (frame.length > MAX_FRAME_BYTES) throw new Error(`frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const channel = frame[0]!;
  const data = frame.subarray(1);
  if (channel === CLOSE_SIGNAL) {
    if (data.length !== 1) throw new Error('close signal must name exactly one channel');
    return { kind: 'close', channel: data[0]! };
  }
  if (channel === Channel.resize) {
    let size: { Width?: unknown; Height?: unknown };
    try {
      size = JSON.parse(data.toString('utf8'));
    } catch {
      throw new Error('resize frame is not JSON');
    }
    const { Width: width, Height: height } = size;
    const valid = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 65535;
    if (!valid(width) || !valid(height)) throw new Error('resize frame needs integer Width and Height in 1..65535');
    return { kind: 'resize', width, height };
  }
  if (channel > Channel.resize) throw new Error(`unknown channel ${channel}`);
  return { kind: 'data', channel, data };
}

/** The metav1.Status the error channel carries when the command ends. */
export function exitStatus(exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/**
 * The metav1.Status for a command that never ran (its container would not
 * start): a failure with no exit code, so a client reports the message.
 */
export function startFailureStatus(message: string): object {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}

/** Reads the exit code out of an error-channel status; undefined for a failure that is not an exit. */
export function exitCodeOf(status: { status?: string; reason?: string; details?: { causes?: { reason?: string; message?: string }[] } }): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason !== 'NonZeroExitCode') return undefined;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : undefined;
}
