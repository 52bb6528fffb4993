// One client's WebSocket, speaking the Kubernetes channel protocol, joined to
// a session's terminal. A client that reads slowly says so (output() returns
// false past a high-water mark) and the terminal holds its stream back until
// it drains; one that stops answering pings is dropped, and one whose queue
// still passes a hard bound is dropped too.

import type { WebSocket } from 'ws';
import { Channel, decode, encode, exitStatus, startFailureStatus } from '../../attach/channel-protocol.ts';
import type { Logger } from '../../log/logger.ts';
import type { TerminalClient } from '../terminal/session-terminal.ts';

/** What the client can do to the terminal. */
export interface TerminalControls {
  addClient(client: TerminalClient): () => void;
  /** false: stop reading from the client until onStdinDrained calls back. */
  writeStdin(data: Buffer): boolean;
  onStdinDrained(resume: () => void): void;
  closeStdin(): void;
  resize(width: number, height: number): void;
}

export interface ClientLimits {
  /** Bytes queued for a client past which the terminal waits for it to drain. */
  highWaterBytes: number;
  /** Bytes queued for a client that still count as caught up. */
  lowWaterBytes: number;
  /** Bytes queued for a client before it counts as broken and is dropped. */
  maxBufferedBytes: number;
  /** A client that does not answer a ping before the next one is dropped. */
  pingIntervalMs: number;
}

/** WebSocket close codes (RFC 6455). */
const CLOSE = { normal: 1000, protocolError: 1002, policy: 1008, tooBig: 1009 } as const;

export function serveAttachClient(ws: WebSocket, terminal: TerminalControls, limits: ClientLimits, log: Logger): void {
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  let detach = () => {};
  let alive = true;

  let drained: (() => void)[] = [];
  // ws calls back once a frame is written out to the socket: the queue shrank.
  const sent = () => {
    if (drained.length === 0 || ws.bufferedAmount > limits.lowWaterBytes) return;
    const callbacks = drained;
    drained = [];
    for (const callback of callbacks) callback();
  };

  const client: TerminalClient = {
    output(channel, data) {
      if (ws.readyState !== ws.OPEN) return true;
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        log.warn({ bufferedBytes: ws.bufferedAmount }, 'Dropped attach client that did not keep up with output');
        ws.terminate();
        return true;
      }
      ws.send(encode(channel, data), sent);
      return ws.bufferedAmount < limits.highWaterBytes;
    },
    onDrain(callback) {
      if (ws.bufferedAmount <= limits.lowWaterBytes) callback();
      else drained.push(callback);
    },
    exited(exitCode) {
      finalStatus(exitStatus(exitCode));
    },
    failed(message) {
      finalStatus(startFailureStatus(message));
    },
  };

  ws.on('message', (message: Buffer, isBinary: boolean) => {
    if (!isBinary) return refuse('text frames are not part of the channel protocol; send binary frames');
    let frame;
    try {
      frame = decode(message);
    } catch (err) {
      return refuse((err as Error).message);
    }
    if (frame.kind === 'resize') terminal.resize(frame.width, frame.height);
    else if (frame.kind === 'close') {
      if (!v5) return refuse('close signals are v5.channel.k8s.io only');
      if (frame.channel === Channel.stdin) terminal.closeStdin();
    } else if (frame.channel === Channel.stdin) {
      // A client pasting faster than the command reads waits, rather than filling the agent's memory.
      if (!terminal.writeStdin(frame.data)) {
        ws.pause();
        terminal.onStdinDrained(() => ws.resume());
      }
    } else refuse(`clients may send only stdin, resize and close frames, not channel ${frame.channel}`);
  });

  const ping = setInterval(() => {
    if (!alive) {
      log.info({}, 'Dropped attach client that stopped answering pings');
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, limits.pingIntervalMs);
  ping.unref();
  ws.on('pong', () => (alive = true));

  ws.on('close', (code: number) => {
    clearInterval(ping);
    drained = [];
    detach();
    log.info({ code }, 'Detached attach client');
  });
  ws.on('error', (err) => log.debug({ err }, 'Attach client connection failed'));

  function finalStatus(status: object): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(encode(Channel.status, JSON.stringify(status)));
    ws.close(CLOSE.normal);
  }

  function refuse(reason: string): void {
    log.warn({ reason }, 'Closed attach client that sent a malformed frame');
    ws.close(CLOSE.protocolError, reason.slice(0, 120));
  }

  detach = terminal.addClient(client);
}
