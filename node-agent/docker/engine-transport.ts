// HTTP over the Docker daemon's Unix socket, for the handful of Engine API
// calls the agent makes. Written on node:http instead of dockerode because
// dockerode loads ssh2, gRPC and protobufjs (about 20 MB of resident memory)
// for transports a per-node agent on a local socket never uses.
//
// Each request opens its own connection, so a restarted daemon is simply
// reached again by the next request.

import * as http from 'node:http';
import type { Duplex } from 'node:stream';

/** An error answer of the Engine API; `statusCode` is what callers branch on (304, 404, 409). */
export class DockerError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'DockerError';
  }
}

export const isDockerNotFound = (err: unknown) => err instanceof DockerError && err.statusCode === 404;
/** 304: the container was already in the wanted state (started, stopped). */
export const isDockerNotModified = (err: unknown) => err instanceof DockerError && err.statusCode === 304;
export const isDockerConflict = (err: unknown) => err instanceof DockerError && err.statusCode === 409;

export type DockerQuery = Record<string, string | number | boolean | undefined>;

export interface DockerRequest {
  query?: DockerQuery;
  body?: unknown;
  signal?: AbortSignal;
  /** Give up when the daemon has not answered within this many ms. */
  timeoutMs?: number;
}

export class EngineTransport {
  constructor(readonly socketPath: string) {}

  /** One request whose answer is JSON (or empty). */
  async json<T = any>(method: string, path: string, req: DockerRequest = {}): Promise<T> {
    const text = await this.text(method, path, req);
    return text ? JSON.parse(text) : (undefined as T);
  }

  /** One request whose answer is plain text (`/_ping` answers `OK`). */
  async text(method: string, path: string, req: DockerRequest = {}): Promise<string> {
    const res = await this.open(method, path, req);
    const text = await readText(res);
    if ((res.statusCode ?? 500) >= 300) throw errorFrom(res.statusCode ?? 500, text);
    return text;
  }

  /** A long answer read as a stream (events, image pull progress, wait); the caller consumes or destroys it. */
  async stream(method: string, path: string, req: DockerRequest = {}): Promise<http.IncomingMessage> {
    const res = await this.open(method, path, req);
    if ((res.statusCode ?? 500) >= 300) throw errorFrom(res.statusCode ?? 500, await readText(res));
    return res;
  }

  /**
   * Takes over the connection after the answer (attach): Docker answers
   * `101 UPGRADED` and from then on the socket carries the container's raw
   * or multiplexed stdio in both directions.
   */
  hijack(path: string, query: DockerQuery): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        socketPath: this.socketPath,
        method: 'POST',
        path: withQuery(path, query),
        headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'text/plain' },
      });
      req.on('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.on('response', (res) => {
        readText(res).then((text) => reject(errorFrom(res.statusCode ?? 500, text)), reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  private open(method: string, path: string, req: DockerRequest): Promise<http.IncomingMessage> {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
    return new Promise((resolve, reject) => {
      const r = http.request(
        { socketPath: this.socketPath, method, path: withQuery(path, req.query), headers, signal: req.signal, agent: false },
        resolve,
      );
      if (req.timeoutMs) {
        r.setTimeout(req.timeoutMs, () => r.destroy(new Error(`Docker did not answer ${method} ${path} within ${req.timeoutMs} ms`)));
      }
      r.on('error', reject);
      r.end(body);
    });
  }
}

function withQuery(path: string, query: DockerQuery | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function readText(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function errorFrom(code: number, text: string): DockerError {
  let message = text.trim();
  try {
    message = JSON.parse(text).message ?? message;
  } catch {
    // Not JSON: keep the daemon's text.
  }
  return new DockerError(code, message || `Docker answered HTTP ${code}`);
}
