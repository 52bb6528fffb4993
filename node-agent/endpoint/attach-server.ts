// The agent's HTTPS endpoint: the attach WebSocket and the recording and
// output log of a session. TLS only (a plain-HTTP connection fails its
// handshake and is closed), and every request is refused before anything
// is served unless it carries that session's one-time secret.

import { createReadStream, existsSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { tokenFromRequest } from '../../attach/attach-token.ts';
import { MAX_FRAME_BYTES, SUBPROTOCOLS } from '../../attach/channel-protocol.ts';
import type { DebugSession } from '../../crds/types.ts';
import type { Logger } from '../../log/logger.ts';
import { decideAttach, worthRereading, type AttachDecision } from './attach-auth.ts';
import { serveAttachClient, type ClientLimits, type TerminalControls } from './attach-client.ts';
import { parseSessionPath, type SessionPath } from './session-paths.ts';
import type { UsedSecretsFile } from './used-secrets.ts';
import type { TlsIdentity } from './tls-identity.ts';

export interface AttachServerDeps {
  tls: TlsIdentity;
  /** The session from the agent's cache (only sessions assigned to its node are there). */
  cachedSession(namespace: string, name: string): DebugSession | undefined;
  /** The session read from the API server, when assigned to this node. */
  freshSession(namespace: string, name: string): Promise<DebugSession | undefined>;
  /** The live terminal of a session, if its container runs or ran since the agent started. */
  terminal(session: DebugSession): TerminalControls | undefined;
  /** The terminal once the container being created exists (Terminals.whenOpen). */
  whenTerminalOpen(session: DebugSession, timeoutMs: number): Promise<{ terminal: TerminalControls } | { failed: string } | { timedOut: true }>;
  recordingPath(session: DebugSession): string;
  outputLogPath(session: DebugSession): string;
  usedSecrets: UsedSecretsFile;
  limits: ClientLimits;
  clock: () => Date;
  log: Logger;
}

/**
 * How long a client that came while the container is being created is held
 * (Reason.CreatingContainer); within the CLI's 15 s handshake timeout, which
 * retries a 409.
 */
const HOLD_FOR_CONTAINER_MS = 10_000;

/** A refused caller can make the agent re-read a session from the API server at most this often. */
const REREAD_INTERVAL_MS = 1_000;

type Authorized = { session: DebugSession; decision: Extract<AttachDecision, { allow: true }> };

export class AttachServer {
  readonly server: https.Server;
  /**
   * Made when the node gets its first session (warmUp) or at the first
   * attach: `ws` (and the zlib it loads) is ~1 MB of the agent's resident
   * memory, and an agent with no session never needs it.
   */
  private wss?: Promise<WebSocketServer>;
  private readonly rereadAt = new Map<string, number>();

  constructor(private readonly deps: AttachServerDeps) {
    this.server = https.createServer({ key: deps.tls.key, cert: deps.tls.cert, minVersion: 'TLSv1.2' }, (req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => void this.onUpgrade(req, socket, head));
    this.server.on('tlsClientError', (err, socket) => {
      deps.log.warn({ remote: socket.remoteAddress, reason: err.message }, 'Refused connection without a valid TLS handshake');
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as { port: number }).port));
    });
  }

  /**
   * Loads the WebSocket server ahead of its first client (~10 ms of
   * compiling `ws`), while that client still waits for its container.
   */
  warmUp(): void {
    void this.webSocketServer();
  }

  /** Stops accepting and drops attached clients; the debug containers keep running. */
  async close(): Promise<void> {
    for (const ws of (await this.wss)?.clients ?? []) ws.close(1001, 'agent is shutting down');
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url === '/healthz') return void res.end('ok');
    const path = parseSessionPath(req.url);
    if (!path || path.action === 'attach' || req.method !== 'GET') return reply(res, 404, 'not found');
    const auth = await this.authorize(req, path);
    if ('httpStatus' in auth) return reply(res, auth.httpStatus, auth.reason);
    const file = path.action === 'recording' ? this.deps.recordingPath(auth.session) : this.deps.outputLogPath(auth.session);
    if (!existsSync(file)) return reply(res, 404, `this node has no ${path.action} of the session`);
    this.consume(auth);
    res.writeHead(200, { 'content-type': path.action === 'recording' ? 'application/x-asciicast' : 'text/plain; charset=utf-8' });
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const path = parseSessionPath(req.url);
    if (path?.action !== 'attach') return refuseUpgrade(socket, 404, 'not found');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!SUBPROTOCOLS.some((p) => offered.includes(p))) {
      return refuseUpgrade(socket, 400, `offer one of the subprotocols ${SUBPROTOCOLS.join(', ')}`);
    }
    const auth = await this.authorize(req, path);
    if ('httpStatus' in auth) return refuseUpgrade(socket, auth.httpStatus, auth.reason);
    let terminal = this.deps.terminal(auth.session) ?? finishedTerminal(auth.session);
    if (!terminal && beingCreated(auth.session)) {
      const held = await this.deps.whenTerminalOpen(auth.session, HOLD_FOR_CONTAINER_MS);
      if ('failed' in held) return refuseUpgrade(socket, 410, `the debug container could not be started: ${held.failed}`);
      if ('terminal' in held) terminal = held.terminal;
      // A client that gave up meanwhile keeps its secret unspent.
      if (socket.destroyed) return;
    }
    if (!terminal) return refuseUpgrade(socket, 409, 'the debug container of this session is not running yet');
    this.consume(auth);
    const log = this.deps.log.child({ session: `${path.namespace}/${path.name}` });
    (await this.webSocketServer()).handleUpgrade(req, socket, head, (ws: WebSocket) => {
      log.info({ protocol: ws.protocol, remote: req.socket.remoteAddress }, 'Attached client');
      serveAttachClient(ws, terminal, this.deps.limits, log);
    });
  }

  private webSocketServer(): Promise<WebSocketServer> {
    this.wss ??= import('ws').then(({ WebSocketServer }) => new WebSocketServer({
      noServer: true,
      // Frames a client sends are stdin and resizes: small. A bigger one is refused (close 1009).
      maxPayload: MAX_FRAME_BYTES,
      handleProtocols: (offered) => SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
    }));
    return this.wss;
  }

  private async authorize(req: IncomingMessage, path: SessionPath): Promise<Authorized | { httpStatus: number; reason: string }> {
    const token = tokenFromRequest(req.headers);
    const now = this.deps.clock();
    let session = this.deps.cachedSession(path.namespace, path.name);
    let decision = decideAttach(session, token, now, this.deps.usedSecrets);
    if (worthRereading(decision) && this.mayReread(`${path.namespace}/${path.name}`, now)) {
      try {
        session = await this.deps.freshSession(path.namespace, path.name);
        decision = decideAttach(session, token, now, this.deps.usedSecrets);
      } catch (err) {
        this.deps.log.warn({ err, session: `${path.namespace}/${path.name}` }, 'Failed to re-read session for an attach request');
      }
    }
    if (decision.allow) return { session: session!, decision };
    // The reason and the session, never the secret.
    this.deps.log.warn(
      { session: `${path.namespace}/${path.name}`, action: path.action, reason: decision.reason, remote: req.socket.remoteAddress },
      'Refused session request',
    );
    return decision;
  }

  /** Keeps unauthenticated callers from turning refusals into a stream of API requests. */
  private mayReread(key: string, now: Date): boolean {
    const last = this.rereadAt.get(key) ?? 0;
    if (now.getTime() - last < REREAD_INTERVAL_MS) return false;
    if (this.rereadAt.size > 10_000) this.rereadAt.clear();
    this.rereadAt.set(key, now.getTime());
    return true;
  }

  private consume(auth: Authorized): void {
    this.deps.usedSecrets.remember(auth.decision.tokenSHA256, auth.decision.expiresAt);
  }
}

/** For a session whose container is gone (e.g. before an agent restart): the client gets the exit status and nothing else. */
function finishedTerminal(session: DebugSession): TerminalControls | undefined {
  const exitCode = session.status?.runtime?.exitCode;
  if (exitCode === undefined) return undefined;
  return {
    addClient(client) {
      client.exited(exitCode);
      return () => {};
    },
    writeStdin: () => true,
    onStdinDrained: (resume) => resume(),
    closeStdin() {},
    resize() {},
  };
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message + '\n');
}

/** The statuses the endpoint answers with (node:http's STATUS_CODES is not imported: see engine-transport.ts). */
const REASON_PHRASES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };

/** Answers an upgrade request with a plain HTTP error, before any WebSocket exists. */
function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = message + '\n';
  socket.end(
    `HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Assigned here and not started: the agent is creating its container, or about to. */
function beingCreated(session: DebugSession): boolean {
  return session.status?.phase === 'Assigned' && !session.status.runtime?.containerID && session.status.runtime?.exitCode === undefined;
}
