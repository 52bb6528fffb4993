// Memory of attach secrets already used, so each one opens one connection.
// Kept as hashes in a file of the state directory: a restarted agent must
// still refuse a replay while the secret has not expired. Entries are
// forgotten once expired, because expiry alone refuses them from then on.

import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { UsedSecrets } from './attach-auth.ts';

export class UsedSecretsFile implements UsedSecrets {
  private readonly used = new Map<string, number>();

  /** Without a file the memory lasts as long as the process (tests). */
  constructor(private readonly file?: string) {
    if (!file || !existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [hash, expires] = line.split(' ');
      if (hash && expires) this.used.set(hash, Number(expires));
    }
  }

  has(tokenSHA256: string): boolean {
    return this.used.has(tokenSHA256);
  }

  remember(tokenSHA256: string, expiresAt: Date): void {
    this.used.set(tokenSHA256, expiresAt.getTime());
    if (this.file) appendFileSync(this.file, `${tokenSHA256} ${expiresAt.getTime()}\n`, { mode: 0o600 });
  }

  /** Drops expired entries and rewrites the file with the rest. */
  forgetExpired(now: Date): void {
    let dropped = false;
    for (const [hash, expires] of this.used) {
      if (expires <= now.getTime()) {
        this.used.delete(hash);
        dropped = true;
      }
    }
    if (dropped && this.file) {
      writeFileSync(this.file, [...this.used].map(([h, e]) => `${h} ${e}\n`).join(''), { mode: 0o600 });
    }
  }

  get size(): number {
    return this.used.size;
  }
}
