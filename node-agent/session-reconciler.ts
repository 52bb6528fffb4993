// Level-based reconcile of one session key: look at the session (from the
// cache) and at Docker's containers for it, then make the node match:
// create, start (or hold for the first client), adopt, report, stop, remove. It never relies on which event woke
// it, so a missed event or an agent restart changes nothing but timing.

import { Reason } from '../crds/conditions.ts';
import { isFinished, type DebugSession, type DebugSessionStatus } from '../crds/types.ts';
import { isNotFound } from '../kube/client.ts';
import { applySessionStatus } from '../kube/sessions.ts';
import type { Logger } from '../log/logger.ts';
import type { ReconcileResult } from '../kube/workqueue.ts';
import {
  agentStatusOf, creatingStatus, exitedStatus, failedStatus, heldStatus, readyOf, removedStatus, runningStatus, sameAgentStatus, startingStatus,
  unstartedRemovedStatus, type AgentStatus, type AttachEndpoint,
} from './agent-status.ts';
import { containerFacts } from './container-facts.ts';
import { createContainer, startContainer, type LaunchDeps } from './container-launch.ts';
import { CONTAINER_NODE_LABEL, SESSION_LABEL, SESSION_UID_LABEL, sessionLabelValue } from './container-spec.ts';
import type { ContainerDetails } from './docker/engine.ts';
import { SessionFailure, TERMINAL_READY_REASONS } from './session-failure.ts';
import type { SessionSlots } from './session-slots.ts';
import { decideStart } from './start-policy.ts';
import type { StateDir } from './state-dir.ts';
import { readFileTail } from './terminal/bounded-file.ts';
import { utf8FromBoundary } from './terminal/output-memory.ts';
import type { SessionTerminal } from './terminal/session-terminal.ts';
import type { Terminals } from './terminal/terminals.ts';

export const FIELD_MANAGER = 'kubectl-debug-agent';

/** Seconds between SIGTERM and SIGKILL when the agent ends a running container. */
const STOP_GRACE_SECONDS = 2;
/** How long an exit waits for the last output to arrive through the attach stream. */
const OUTPUT_DRAIN_MS = 3_000;
const OUTPUT_TAIL_BYTES = 2_048;
/** The recording grows with every keystroke echoed; its size is reported at most this often. */
const RECORDING_SIZE_REPORT_MS = 30_000;

export interface ReconcilerDeps extends LaunchDeps {
  sessions: { get(key: string): DebugSession | undefined; watches(namespace: string): boolean };
  terminals: Terminals;
  slots: SessionSlots;
  state: StateDir;
  endpoint(session: DebugSession): AttachEndpoint;
  clock: () => Date;
  log: Logger;
}

export class SessionReconciler {
  /** The agent's part as last written, by UID: newer than a cache that has not caught up with the write. */
  private readonly written = new Map<string, { key: string; status: AgentStatus }>();
  private readonly sizeReportedAt = new Map<string, number>();
  /** The status write in flight per session UID (write()). */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly d: ReconcilerDeps) {}

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    if (!this.d.sessions.watches(namespace)) return;
    const session = this.d.sessions.get(key);
    const uid = session?.metadata.uid;
    const containers = await this.d.docker.listContainers([
      `${SESSION_LABEL}=${sessionLabelValue(namespace, key.slice(slash + 1))}`,
      `${CONTAINER_NODE_LABEL}=${this.d.node}`,
    ]);
    for (const stale of containers.filter((c) => c.Labels[SESSION_UID_LABEL] !== uid)) {
      await this.removeOrphan(key, stale.Labels[SESSION_UID_LABEL] ?? '', stale.Id);
    }
    if (!session) return this.forget(key);
    const container = containers.find((c) => c.Labels[SESSION_UID_LABEL] === uid);
    if (session.metadata.deletionTimestamp || isFinished(session)) return this.end(session, container?.Id);
    if (!this.assignedHere(session)) return;
    if (container) return this.follow(session, container.Id);
    return this.launch(session);
  }

  private assignedHere(s: DebugSession): boolean {
    const phase = s.status?.phase;
    return (phase === 'Assigned' || phase === 'Running') && !!s.status?.agent && s.status?.target?.nodeName === this.d.node;
  }

  private current(session: DebugSession): AgentStatus {
    return this.written.get(session.metadata.uid!)?.status ?? agentStatusOf(session.status);
  }

  private logFor(session: DebugSession): Logger {
    return this.d.log.child({ session: `${session.metadata.namespace}/${session.metadata.name}` });
  }

  private async launch(session: DebugSession): Promise<ReconcileResult | void> {
    const uid = session.metadata.uid!;
    const current = this.current(session);
    const ready = readyOf(current);
    // Each session gets one container, ever: once it ran or failed, there is nothing to launch.
    if (current.runtime.containerRemoved || current.runtime.exitCode !== undefined) return;
    if (ready?.status === 'False' && TERMINAL_READY_REASONS.includes(ready.reason)) return;
    if (current.runtime.containerID) return this.write(session, removedStatus(session, current, this.d.clock()));
    if (!this.d.slots.tryReserve(uid)) {
      const failure = new SessionFailure(Reason.NodeAtCapacity, `this node already runs its maximum of ${this.d.slots.max} debug sessions`);
      this.logFor(session).warn({ max: this.d.slots.max }, 'Refused debug session: node at capacity');
      return this.write(session, failedStatus(session, current, failure, this.d.clock()));
    }
    let created: string | undefined;
    try {
      created = await createContainer(this.d, session, {
        onPull: (image) => this.write(session, startingStatus(session, current, `pulling image ${image}`, this.d.clock())),
        onCreating: () => this.write(session, creatingStatus(session, this.current(session), this.d.endpoint(session), this.d.clock())),
        terminalFor: (containerID) => this.d.terminals.open(session, containerID),
        onCreated: (containerID) => (created = containerID),
      });
    } catch (err) {
      if (!(err instanceof SessionFailure)) {
        if (!created) this.d.slots.release(uid);
        throw err;
      }
      return this.failed(session, err, created);
    }
    return this.follow(session, created);
  }

  /** A fault of the session, not of the moment: clients hear why, the container goes, and it is never tried again. */
  private async failed(session: DebugSession, err: SessionFailure, containerID: string | undefined): Promise<void> {
    const uid = session.metadata.uid!;
    this.logFor(session).warn({ reason: err.reason, message: err.message }, 'Failed to start debug container');
    this.d.terminals.get(uid)?.fail(err.message);
    this.d.terminals.failWaiting(uid, err.message);
    if (containerID) await this.d.docker.remove(containerID);
    await this.d.terminals.dispose(uid);
    this.d.slots.release(uid);
    await this.write(session, failedStatus(session, this.current(session), err, this.d.clock()));
  }

  /** The session's container exists: keep the terminal attached and report, or wind up after the exit. */
  private async follow(session: DebugSession, id: string): Promise<ReconcileResult | void> {
    const details = await this.d.docker.inspect(id);
    if (!details) return { requeueAfterMs: 500 };
    const terminal = this.d.terminals.open(session, id);
    const state = details.State.Status;
    if (state === 'exited' || state === 'dead') return this.windUp(session, details, terminal, 'Removed debug container after its command exited');
    if (state === 'removing') return { requeueAfterMs: 1_000 };
    this.d.slots.hold(session.metadata.uid!);
    await terminal.attach();
    if (state === 'created') return this.startOrHold(session, details, terminal);
    const now = this.d.clock();
    const facts = terminal.facts();
    const current = this.current(session);
    const running = runningStatus(session, current, containerFacts(details), {
      attachedClients: facts.attachedClients,
      lastActivityAt: facts.lastActivityAt,
      recordingBytes: this.recordingSizeToReport(session.metadata.uid!, current, facts.recordingBytes, now),
    }, this.d.endpoint(session), now);
    await this.write(session, running);
  }

  /**
   * A created container starts now, or waits for its first client
   * (start-policy.ts); the client's arrival changes the terminal, which
   * brings the session back here.
   */
  private async startOrHold(session: DebugSession, details: ContainerDetails, terminal: SessionTerminal): Promise<ReconcileResult | void> {
    const now = this.d.clock();
    let decision = decideStart({
      grantExpiresAt: session.spec.attach?.expiresAt, createdAt: details.Created, clientCame: terminal.hadClient, now,
    });
    if (!decision.start) {
      const held = this.write(session, heldStatus(session, this.current(session), containerFacts(details), this.d.endpoint(session), decision.startBy, now));
      // A client that connected while the container was created (CreatingContainer)
      // usually arrives while this is written: start for it at once, not a reconcile
      // later. The write goes on; the next one waits for it (write()).
      const arrived = await Promise.race([held.then(() => false), terminal.clientArrival().then(() => true)]);
      if (!arrived) return { requeueAfterMs: decision.startBy.getTime() - now.getTime() };
      decision = { start: true, cause: 'ClientAttached' };
    }
    try {
      await startContainer(this.d.docker, details.Id);
    } catch (err) {
      if (err instanceof SessionFailure) return this.failed(session, err, details.Id);
      throw err;
    }
    terminal.started();
    this.logFor(session).info({ container: details.Id.slice(0, 12), cause: decision.cause }, 'Started debug container');
    return { requeueAfterMs: 0 };
  }

  /** The session ended (deadline, idle, deletion): stop and remove its container. */
  private async end(session: DebugSession, id: string | undefined): Promise<void> {
    if (id) {
      await this.d.docker.stop(id, STOP_GRACE_SECONDS);
      const details = await this.d.docker.inspect(id);
      if (details?.State.Status === 'created') return this.discardUnstarted(session, id);
      if (details) return this.windUp(session, details, this.d.terminals.open(session, id), 'Removed debug container of an ended session');
    }
    this.d.slots.release(session.metadata.uid!);
    await this.write(session, removedStatus(session, this.current(session), this.d.clock()));
  }

  /** After the exit: report it with the last output, tell clients, remove the container, report that. */
  private async windUp(session: DebugSession, details: ContainerDetails, terminal: SessionTerminal, message: string): Promise<void> {
    await terminal.outputEnded(OUTPUT_DRAIN_MS);
    terminal.finish(details.State.ExitCode);
    // A client that sees the exit in status fetches the output log next.
    await terminal.filesClosed();
    const facts = terminal.facts();
    const outputTail = facts.outputTail || utf8FromBoundary(readFileTail(this.d.state.outputLogPath(session.metadata), OUTPUT_TAIL_BYTES));
    const terminalFacts = { attachedClients: 0, lastActivityAt: facts.lastActivityAt, outputTail, recordingBytes: facts.recordingBytes };
    await this.write(session, exitedStatus(session, this.current(session), containerFacts(details), terminalFacts, this.d.endpoint(session), this.d.clock()));
    await this.d.docker.remove(details.Id);
    this.d.slots.release(session.metadata.uid!);
    await this.write(session, removedStatus(session, this.current(session), this.d.clock()));
    this.logFor(session).info({ container: details.Id.slice(0, 12), exitCode: details.State.ExitCode }, message);
  }

  /** A container held for a client that never came: it never ran, so there is no exit or output to report. */
  private async discardUnstarted(session: DebugSession, id: string): Promise<void> {
    const uid = session.metadata.uid!;
    this.d.terminals.get(uid)?.fail('the session ended before its command started');
    await this.d.docker.remove(id);
    await this.d.terminals.dispose(uid);
    this.d.slots.release(uid);
    await this.write(session, unstartedRemovedStatus(session, this.current(session), this.d.clock()));
    this.logFor(session).info({ container: id.slice(0, 12) }, 'Removed unstarted debug container of an ended session');
  }

  /** A container whose session is gone, or belongs to an earlier session of the same name. */
  private async removeOrphan(key: string, uid: string, id: string): Promise<void> {
    const terminal = this.d.terminals.get(uid);
    if (terminal) {
      await this.d.docker.stop(id, STOP_GRACE_SECONDS);
      terminal.finish((await this.d.docker.inspect(id))?.State.ExitCode ?? 137);
    }
    await this.d.docker.remove(id);
    await this.d.terminals.dispose(uid);
    this.d.slots.release(uid);
    this.d.log.info({ session: key, container: id.slice(0, 12) }, 'Removed debug container whose session is gone');
  }

  private async forget(key: string): Promise<void> {
    for (const [uid, entry] of this.written) if (entry.key === key) this.written.delete(uid);
    for (const entry of this.d.terminals.entries()) {
      if (entry.key !== key) continue;
      this.sizeReportedAt.delete(entry.uid);
      await this.d.terminals.dispose(entry.uid);
    }
  }

  private recordingSizeToReport(uid: string, current: AgentStatus, bytes: number, now: Date): number {
    const last = this.sizeReportedAt.get(uid);
    if (current.runtime.recordingBytes !== undefined && last !== undefined && now.getTime() - last < RECORDING_SIZE_REPORT_MS) {
      return current.runtime.recordingBytes;
    }
    if (current.runtime.recordingBytes !== bytes) this.sizeReportedAt.set(uid, now.getTime());
    return bytes;
  }

  /** Writes the agent's whole part when it differs from what is there; a session gone meanwhile needs nothing. */
  private write(session: DebugSession, status: AgentStatus): Promise<void> {
    // One at a time per session, in order: a write may still be on its way when
    // the next is made (startOrHold), and two applies in flight could land swapped.
    const uid = session.metadata.uid!;
    const next = (this.writing.get(uid) ?? Promise.resolve()).catch(() => {}).then(() => this.apply(session, status));
    this.writing.set(uid, next);
    next.finally(() => this.writing.get(uid) === next && this.writing.delete(uid)).catch(() => {});
    return next;
  }

  private async apply(session: DebugSession, status: AgentStatus): Promise<void> {
    if (sameAgentStatus(this.current(session), status)) return;
    try {
      await applySessionStatus(this.d.kube, session, status as DebugSessionStatus, FIELD_MANAGER);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.written.set(session.metadata.uid!, { key: `${session.metadata.namespace}/${session.metadata.name}`, status });
  }
}
