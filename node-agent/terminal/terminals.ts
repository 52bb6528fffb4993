// The live terminals of this node's sessions, by session UID. A terminal
// outlives its container for a while, so that a client attaching just after
// a short command ended still gets the output and the exit status.

import { keyOf } from '../../kube/informer.ts';
import type { DebugSession } from '../../crds/types.ts';
import type { Logger } from '../../log/logger.ts';
import type { DockerEngine } from '../docker/engine.ts';
import type { StateDir } from '../state-dir.ts';
import { AsciicastRecording } from './asciicast.ts';
import { BoundedFile } from './bounded-file.ts';
import { SessionTerminal } from './session-terminal.ts';

export interface TerminalsOptions {
  docker: DockerEngine;
  state: StateDir;
  /** Limit of each recording and each output log. */
  maxFileBytes: number;
  clock: () => Date;
  log: Logger;
  /** A terminal of this session changed (client came or went, output ended). */
  onChange: (sessionKey: string) => void;
}

/** What a client held for a container being created gets. */
export type HeldOutcome = { terminal: SessionTerminal } | { failed: string } | { timedOut: true };

export class Terminals {
  private readonly byUID = new Map<string, { key: string; terminal: SessionTerminal }>();
  /** Clients that came while their session's container was being created. */
  private readonly waiting = new Map<string, Set<(outcome: HeldOutcome) => void>>();

  constructor(private readonly o: TerminalsOptions) {}

  get(uid: string): SessionTerminal | undefined {
    return this.byUID.get(uid)?.terminal;
  }

  /** The terminal of this session's container, made (with its files opened for appending) if there is none. */
  open(session: DebugSession, containerID: string): SessionTerminal {
    const uid = session.metadata.uid!;
    const existing = this.byUID.get(uid);
    if (existing?.terminal.containerID === containerID) return existing.terminal;
    if (existing) void this.dispose(uid);
    const key = keyOf(session);
    const log = this.o.log.child({ session: key, container: containerID.slice(0, 12) });
    const recording = new AsciicastRecording(this.o.state.recordingPath(session.metadata), this.o.maxFileBytes, this.o.clock);
    const outputLog = new BoundedFile(
      this.o.state.outputLogPath(session.metadata),
      this.o.maxFileBytes,
      (max) => `\n[kubectl-debug: output log stopped at its limit of ${max} bytes]\n`,
    );
    if (recording.bytes > 0) recording.marker('the node agent restarted; output while it was away is not recorded');
    const terminal = new SessionTerminal({
      docker: this.o.docker,
      containerID,
      tty: session.spec.tty ?? false,
      stdin: session.spec.stdin ?? false,
      recording,
      outputLog,
      clock: this.o.clock,
      log,
      onChange: () => this.o.onChange(key),
    });
    this.byUID.set(uid, { key, terminal });
    // Synchronously: a held client joins before the launch can ask whether one came.
    for (const resolve of this.waiting.get(uid) ?? []) resolve({ terminal });
    this.waiting.delete(uid);
    return terminal;
  }

  /**
   * The session's terminal once its container exists: a client that
   * connected while Docker was still creating it waits here rather than
   * being turned away, until the container exists, its launch fails
   * (`failWaiting`), or timeoutMs.
   */
  whenOpen(uid: string, timeoutMs: number): Promise<HeldOutcome> {
    const open = this.get(uid);
    if (open) return Promise.resolve({ terminal: open });
    return new Promise((resolve) => {
      const waiters = this.waiting.get(uid) ?? new Set();
      const done = (outcome: HeldOutcome) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(uid) === waiters) this.waiting.delete(uid);
        resolve(outcome);
      };
      const timer = setTimeout(() => done({ timedOut: true }), timeoutMs);
      waiters.add(done);
      this.waiting.set(uid, waiters);
    });
  }

  /** The launch failed: held clients hear why instead of waiting out their time. */
  failWaiting(uid: string, message: string): void {
    for (const resolve of this.waiting.get(uid) ?? []) resolve({ failed: message });
    this.waiting.delete(uid);
  }

  async dispose(uid: string): Promise<void> {
    const entry = this.byUID.get(uid);
    if (!entry) return;
    this.byUID.delete(uid);
    await entry.terminal.dispose();
  }

  entries(): { uid: string; key: string; terminal: SessionTerminal }[] {
    return [...this.byUID].map(([uid, e]) => ({ uid, ...e }));
  }

  /** Paths of files still being written, which retention must not delete. */
  openFiles(): Set<string> {
    return new Set(this.entries().flatMap((e) => e.terminal.files()));
  }

  /** Closes every stream without touching the containers (agent shutdown: they are adopted on restart). */
  async disposeAll(): Promise<void> {
    await Promise.all([...this.byUID.keys()].map((uid) => this.dispose(uid)));
  }
}
