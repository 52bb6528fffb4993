// Where the agent keeps what must outlive it: the TLS identity (so clients
// pinning its fingerprint keep working after a restart), the hashes of used
// attach secrets, and each session's recording and output log.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectMeta } from '../crds/types.ts';

export class StateDir {
  constructor(readonly root: string) {}

  get tlsDir(): string {
    return join(this.root, 'tls');
  }

  get usedSecretsFile(): string {
    return join(this.root, 'used-attach-secrets');
  }

  get recordingsDir(): string {
    return join(this.root, 'recordings');
  }

  get logsDir(): string {
    return join(this.root, 'logs');
  }

  /** Named by namespace, name and UID: readable by a person, unique across re-created sessions. */
  recordingPath(meta: ObjectMeta): string {
    return join(this.recordingsDir, `${fileStem(meta)}.cast`);
  }

  outputLogPath(meta: ObjectMeta): string {
    return join(this.logsDir, `${fileStem(meta)}.log`);
  }

  /** Creates the directories, readable by the agent's user only: recordings may hold secrets typed on screen. */
  create(): void {
    for (const dir of [this.root, this.tlsDir, this.recordingsDir, this.logsDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
}

const fileStem = (meta: ObjectMeta) => `${meta.namespace}_${meta.name}_${meta.uid}`;
