// The client side of attach: a Kubernetes remote-command WebSocket (the
// protocol of `kubectl exec`) and plain GETs for the recording and logs, each
// run over a socket whose TLS identity was already checked (pinned-tls.ts),
// with the one-time secret as a bearer token.

import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { Channel, SUBPROTOCOLS, encode, encodeClose, encodeResize } from './channel-protocol.ts';

/** The agent answered the upgrade or GET with an HTTP error (bad secret, unknown session, ...). */
export class AgentRefusedError extends Error {
  constructor(readonly statusCode: number, body: string) {
    super(`the agent refused the request: HTTP ${statusCode}${body.trim() ? `: ${body.trim().slice(0, 300)}` : ''}`);
    this.name = 'AgentRefusedError';
  }
}

/** The connection broke before the remote command's exit status came. */
export class AttachLostError extends Error {
  constructor(cause: Error) {
    super(`connection to the agent was lost: ${cause.message}`);
    this.name = 'AttachLostError';
  }
}

/** Opens the attach WebSocket over `socket`, which must be connected and verified already. */
export function openAttach(socket: Duplex, url: string, token: string, handshakeTimeoutMs = 15_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...SUBPROTOCOLS], {
      // ws would dial on its own; hand it the checked socket instead.
      createConnection: () => socket as never,
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
      handshakeTimeout: handshakeTimeoutMs,
    });
    ws.once('unexpected-response', (_req, res) => {
      readBody(res).then((body) => reject(new AgentRefusedError(res.statusCode ?? 0, body)), reject);
      socket.destroy();
    });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      resolve(ws);
    });
  });
}

export interface TerminalSize { width: number; height: number }

export interface AttachIO {
  /** Forwarded to the remote stdin; leave out when the session has no stdin. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** For a TTY session: the local terminal's size now ... */
  size?: () => TerminalSize | undefined;
  /** ... and a way to hear of changes; returns the unsubscribe. */
  onResize?: (listener: () => void) => () => void;
}

/**
 * What the error channel said, or undefined when the connection ended
 * without a status; and the WebSocket close code (1001: the agent is shutting
 * down, 1006: the connection broke), which tells a lost agent from a refusal.
 */
export type AttachResult = { status?: Record<string, any>; closeCode: number };

/** Pumps bytes both ways until the agent closes the connection. */
export function pumpAttach(ws: WebSocket, io: AttachIO): Promise<AttachResult> {
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  let statusText = '';
  const cleanups: (() => void)[] = [];
  const send = (frame: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  };

  const resize = () => {
    const size = io.size?.();
    if (size) send(encodeResize(size.width, size.height));
  };
  if (io.size) {
    resize();
    if (io.onResize) cleanups.push(io.onResize(resize));
  }

  if (io.stdin) {
    const stdin = io.stdin;
    const onData = (chunk: Buffer | string) => send(encode(Channel.stdin, chunk));
    // Only v5 can tell the remote that stdin ended; with v4 `cat` would wait forever, as with kubectl.
    const onEnd = () => v5 && send(encodeClose(Channel.stdin));
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    // Attached anew after a lost connection: an input that already ended must still close the remote stdin.
    if ((stdin as NodeJS.ReadableStream & { readableEnded?: boolean }).readableEnded) onEnd();
    else stdin.resume();
    cleanups.push(() => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    });
  }

  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      const payload = data.subarray(1);
      const out = data[0] === Channel.stdout ? io.stdout : data[0] === Channel.stderr ? io.stderr : undefined;
      if (out) {
        // Let a slow pipe (`| less`) push back on the agent instead of buffering without end.
        if (!out.write(payload)) {
          ws.pause();
          out.once('drain', () => ws.resume());
        }
      } else if (data[0] === Channel.status) {
        statusText += payload.toString('utf8');
      }
    });
    let failure: Error | undefined;
    ws.on('error', (err) => (failure = err));
    ws.on('close', (closeCode: number) => {
      for (const undo of cleanups) undo();
      let status: Record<string, any> | undefined;
      try {
        status = statusText ? JSON.parse(statusText) : undefined;
      } catch {
        status = { status: 'Failure', message: statusText };
      }
      if (!status && failure) reject(new AttachLostError(failure));
      else resolve({ status, closeCode });
    });
  });
}

/** GET over a verified socket; resolves with the response when its status is 2xx. */
export function agentGet(socket: Duplex, url: string, token: string): Promise<IncomingMessage> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    // https rather than http only for the module: an ESM import of node:http loads undici (40 ms at start-up).
    // The TLS is ours already: createConnection hands over the pinned socket.
    const req = https.request(
      {
        method: 'GET',
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        headers: { authorization: `Bearer ${token}`, host: target.host },
        createConnection: () => socket as never,
      },
      (res) => {
        if ((res.statusCode ?? 500) < 300) return resolve(res);
        readBody(res).then((body) => reject(new AgentRefusedError(res.statusCode ?? 0, body)), reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c.length + body.length > 4096 ? '' : c));
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}
