// One informer per watched namespace, seen as one cache. A controller limited
// to some namespaces (RBAC granted per namespace) cannot list cluster-wide.

import type { KubeClient } from './client.ts';
import { Informer, type InformerOptions, type KeyHandler, type Meta } from './informer.ts';

export class InformerSet<T extends Meta> {
  private readonly informers: Informer<T>[];

  /** `pathFor(undefined)` is the all-namespaces path; an empty namespace list means all namespaces. */
  constructor(kube: KubeClient, namespaces: string[], pathFor: (namespace?: string) => string, opts: Omit<InformerOptions, 'path'> = {}) {
    const scopes = namespaces.length ? namespaces : [undefined];
    this.informers = scopes.map((ns) => new Informer<T>(kube, { ...opts, path: pathFor(ns) }));
  }

  onChange(handler: KeyHandler): void {
    this.informers.forEach((i) => i.onChange(handler));
  }

  get(key: string): T | undefined {
    for (const i of this.informers) {
      const found = i.get(key);
      if (found) return found;
    }
    return undefined;
  }

  list(): T[] {
    return this.informers.flatMap((i) => i.list());
  }

  start(): void {
    this.informers.forEach((i) => i.start());
  }

  stop(): void {
    this.informers.forEach((i) => i.stop());
  }

  hasSynced(): Promise<void> {
    return Promise.all(this.informers.map((i) => i.hasSynced)).then(() => undefined);
  }
}
