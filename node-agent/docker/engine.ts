// The Docker Engine API calls the agent makes, typed with the few fields it
// reads. Paths are unversioned so the daemon serves its own current API
// version: pinning an old one breaks on daemons that dropped it.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { DockerError, EngineTransport, isDockerNotFound, isDockerNotModified, readText } from './engine-transport.ts';

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Labels: Record<string, string>;
  /** created, running, paused, restarting, removing, exited, dead */
  State: string;
}

export interface ContainerDetails {
  Id: string;
  Name: string;
  /** RFC 3339 time of creation. */
  Created: string;
  Config: { Image: string; Labels: Record<string, string>; Tty: boolean; OpenStdin: boolean };
  State: { Status: string; Running: boolean; ExitCode: number; StartedAt: string; FinishedAt: string; Error: string };
}

/** The body of POST /containers/create, as far as the agent fills it. */
export interface ContainerCreateSpec {
  Image: string;
  Entrypoint: string[];
  Cmd: string[];
  Env: string[];
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Labels: Record<string, string>;
  HostConfig: {
    PidMode: string;
    NetworkMode: string;
    IpcMode: string;
    CapAdd: string[];
    AutoRemove: boolean;
    LogConfig: { Type: string; Config: Record<string, string> };
  };
}

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
}

/** Docker's `filters` query parameter: each key maps to values that must all match. */
const filters = (f: Record<string, string[]>) => JSON.stringify(f);

export class DockerEngine {
  private readonly http: EngineTransport;

  constructor(socketPath: string) {
    this.http = new EngineTransport(socketPath);
  }

  ping(): Promise<string> {
    return this.http.text('GET', '/_ping', { timeoutMs: 5_000 });
  }

  /** Every container (running or not) carrying all these `key=value` labels. */
  listContainers(labels: string[]): Promise<ContainerSummary[]> {
    return this.http.json('GET', '/containers/json', { query: { all: true, filters: filters({ label: labels }) }, timeoutMs: 30_000 });
  }

  /** undefined when there is no such container. */
  async inspect(id: string): Promise<ContainerDetails | undefined> {
    try {
      return await this.http.json('GET', `/containers/${encodeURIComponent(id)}/json`, { timeoutMs: 30_000 });
    } catch (err) {
      if (isDockerNotFound(err)) return undefined;
      throw err;
    }
  }

  async create(name: string, spec: ContainerCreateSpec): Promise<string> {
    const res = await this.http.json<{ Id: string }>('POST', '/containers/create', { query: { name }, body: spec, timeoutMs: 60_000 });
    return res.Id;
  }

  /** Starting a running container is success (304). */
  async start(id: string): Promise<void> {
    await this.ignoring(isDockerNotModified, this.http.json('POST', `/containers/${id}/start`, { timeoutMs: 60_000 }));
  }

  /** Stopping a stopped or missing container is success (304, 404). */
  async stop(id: string, graceSeconds: number): Promise<void> {
    const ok = (err: unknown) => isDockerNotModified(err) || isDockerNotFound(err);
    await this.ignoring(ok, this.http.json('POST', `/containers/${id}/stop`, { query: { t: graceSeconds }, timeoutMs: (graceSeconds + 30) * 1000 }));
  }

  /** Removing a missing container is success (404). */
  async remove(id: string): Promise<void> {
    await this.ignoring(isDockerNotFound, this.http.json('DELETE', `/containers/${id}`, { query: { force: true }, timeoutMs: 60_000 }));
  }

  async resize(id: string, width: number, height: number): Promise<void> {
    await this.http.json('POST', `/containers/${id}/resize`, { query: { h: height, w: width }, timeoutMs: 10_000 });
  }

  /**
   * The container's stdio as one socket. `stream` with `logs: false` gives
   * only what is written from now on; attaching before start loses nothing.
   */
  attach(id: string, opts: { stdin: boolean }): Promise<Duplex> {
    return this.http.hijack(`/containers/${id}/attach`, { stream: true, stdin: opts.stdin, stdout: true, stderr: true, logs: false });
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.http.json('GET', `/images/${encodeURIComponent(image)}/json`, { timeoutMs: 30_000 });
      return true;
    } catch (err) {
      if (isDockerNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * Pulls one tag. Docker answers 200 and then reports a failure inside the
   * progress stream (`{"error": ...}`), so the whole stream is read.
   */
  async pull(fromImage: string, tag: string, timeoutMs: number): Promise<void> {
    const res = await this.http.stream('POST', '/images/create', { query: { fromImage, tag }, timeoutMs });
    const text = await readText(res);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const progress = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
      if (progress.error) throw new DockerError(500, progress.errorDetail?.message ?? progress.error);
    }
  }

  /** Container events of the agent's own containers, as newline-separated JSON, until the caller destroys it. */
  events(labels: string[]): Promise<IncomingMessage> {
    return this.http.stream('GET', '/events', { query: { filters: filters({ type: ['container'], label: labels }) } });
  }

  private async ignoring(ok: (err: unknown) => boolean, call: Promise<unknown>): Promise<void> {
    try {
      await call;
    } catch (err) {
      if (!ok(err)) throw err;
    }
  }
}
