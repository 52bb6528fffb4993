// Attaching the local terminal to a ready session: reach the agent (directly
// or through the API server), open the remote-command WebSocket with the
// one-time secret, and pump bytes until the remote command ends. Loaded only
// when a run gets this far, so `list` and `--help` never load ws.

import { AgentRefusedError, AttachLostError, openAttach, pumpAttach, type AttachIO } from '../attach/client.ts';
import type { DebugSession } from '../crds/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { connectAgent } from './agent-route.ts';
import { UserError } from './errors.ts';
import { exitCodeFromStatus } from './exit-codes.ts';
import type { Shutdown } from './shutdown.ts';
import { enterRawMode, onResize, sizeSource, terminalSize } from './terminal.ts';

export interface AttachOptions {
  stdin: boolean;
  tty: boolean;
  portForward: boolean;
  log: (line: string) => void;
  /** Called once the WebSocket is open, before any output. */
  onAttached?: () => void;
}

/** The agent went away mid-session (restart, upgrade): the session may well go on without us. */
export class ConnectionLostError extends UserError {}

/** Close codes of an agent that went away rather than refused: 1001 going away, 1006 broken connection. */
const AGENT_GONE_CODES = new Set([1001, 1006]);

/**
 * Refusals worth a retry: the agent may not have seen a just-patched
 * spec.attach yet (401, 403, 404), or held the client longer than it waits
 * for a container being created (409).
 */
const RETRY_STATUSES = new Set([401, 403, 404, 409]);
const ATTEMPTS = 5;

/** Attaches and returns the remote exit code. */
export async function attachSession(
  kube: KubeClient,
  session: DebugSession,
  ready: { attachURL: string; certificateSHA256: string },
  token: string,
  opts: AttachOptions,
  shutdown: Shutdown,
): Promise<number> {
  const target = { url: ready.attachURL, certificateSHA256: ready.certificateSHA256, node: session.status?.target?.nodeName };
  let ws;
  for (let attempt = 1; ; attempt++) {
    shutdown.signal.throwIfAborted();
    const socket = await connectAgent(kube, target, { portForward: opts.portForward, log: opts.log });
    try {
      ws = await openAttach(socket, ready.attachURL, token);
      break;
    } catch (err) {
      if (!(err instanceof AgentRefusedError)) throw err;
      if (!RETRY_STATUSES.has(err.statusCode) || attempt === ATTEMPTS) throw new UserError(err.message);
      opts.log(`The agent answered HTTP ${err.statusCode}; retrying (${attempt}/${ATTEMPTS - 1})`);
      await new Promise((r) => setTimeout(r, 400 * attempt));
    }
  }
  opts.log(`Attached (protocol ${ws.protocol})`);
  opts.onAttached?.();

  const stdin = process.stdin;
  const raw = opts.tty && stdin.isTTY;
  const restore = raw ? enterRawMode(stdin) : () => {};
  const unregister = shutdown.onRestore(restore);
  const closeOnAbort = () => ws.close();
  shutdown.signal.addEventListener('abort', closeOnAbort, { once: true });
  const size = opts.tty ? sizeSource() : undefined;
  const io: AttachIO = {
    stdin: opts.stdin ? stdin : undefined,
    stdout: process.stdout,
    stderr: process.stderr,
    size: size ? () => terminalSize(size) : undefined,
    onResize: size ? (listener) => onResize(size, listener) : undefined,
  };
  try {
    const { status, closeCode } = await pumpAttach(ws, io).catch((err) => {
      throw err instanceof AttachLostError ? new ConnectionLostError(err.message) : err;
    });
    shutdown.signal.throwIfAborted();
    if (!status && AGENT_GONE_CODES.has(closeCode)) throw new ConnectionLostError(`the agent closed the connection (code ${closeCode})`);
    if (!status) throw new UserError('the agent closed the connection without an exit status (the session may have been ended or deleted)');
    const { code, message } = exitCodeFromStatus(status);
    if (message) process.stderr.write(`${raw ? '\r\n' : ''}error: ${message}\n`);
    return code;
  } finally {
    shutdown.signal.removeEventListener('abort', closeOnAbort);
    restore();
    unregister();
    if (opts.stdin) stdin.pause();
  }
}
