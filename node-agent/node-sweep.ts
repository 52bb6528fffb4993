// The periodic look over the whole node (and the first one at start, which
// is adoption): every debug container of this node is handed to the
// reconciler by its session key, so containers of live sessions are adopted
// and those of gone or finished sessions removed by the same code path.
// It also forgets what has outlived its use: terminals of ended sessions,
// expired attach secrets, recordings past their retention.

import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugSession } from '../crds/types.ts';
import type { Logger } from '../log/logger.ts';
import { CONTAINER_NODE_LABEL, sessionKeyOfLabels } from './container-spec.ts';
import type { DockerEngine } from './docker/engine.ts';
import type { UsedSecretsFile } from './endpoint/used-secrets.ts';
import type { StateDir } from './state-dir.ts';
import type { Terminals } from './terminal/terminals.ts';

export interface SweepDeps {
  node: string;
  docker: DockerEngine;
  sessions: { get(key: string): DebugSession | undefined; list(): DebugSession[]; watches(namespace: string): boolean };
  enqueue(key: string): void;
  terminals: Terminals;
  usedSecrets: UsedSecretsFile;
  state: StateDir;
  /** How long a terminal is kept after its command ended, for clients attaching late. */
  terminalGraceMs: number;
  recordingRetentionMs: number;
  clock: () => Date;
  log: Logger;
}

export async function sweepNode(d: SweepDeps): Promise<void> {
  const containers = await d.docker.listContainers([`${CONTAINER_NODE_LABEL}=${d.node}`]);
  const keys = new Set<string>();
  for (const c of containers) {
    const key = sessionKeyOfLabels(c.Labels);
    if (key && d.sessions.watches(key.split('/', 1)[0]!)) keys.add(key);
  }
  for (const s of d.sessions.list()) keys.add(`${s.metadata.namespace}/${s.metadata.name}`);
  for (const key of keys) d.enqueue(key);

  const now = d.clock();
  for (const { uid, key, terminal } of d.terminals.entries()) {
    const ended = terminal.finishedAt && now.getTime() - terminal.finishedAt.getTime() > d.terminalGraceMs;
    if (ended || d.sessions.get(key)?.metadata.uid !== uid) await d.terminals.dispose(uid);
  }
  d.usedSecrets.forgetExpired(now);
  deleteOldFiles(d, now);
}

function deleteOldFiles(d: SweepDeps, now: Date): void {
  const inUse = d.terminals.openFiles();
  for (const dir of [d.state.recordingsDir, d.state.logsDir]) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      try {
        if (inUse.has(path) || now.getTime() - statSync(path).mtimeMs < d.recordingRetentionMs) continue;
        unlinkSync(path);
        d.log.info({ file: path }, 'Deleted recording past its retention');
      } catch (err) {
        d.log.warn({ err, file: path }, 'Failed to delete old recording');
      }
    }
  }
}
