// The sessions assigned to this node, as the API server filters them by the
// node label: one watch per namespace given, or one over all namespaces.

import { NODE_LABEL, type DebugSession } from '../crds/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { Informer, type KeyHandler } from '../kube/informer.ts';
import { getSession, sessionsPath } from '../kube/sessions.ts';
import { isNotFound } from '../kube/client.ts';

export class SessionCache {
  private readonly informers = new Map<string, Informer<DebugSession>>();

  /** `namespaces` empty means every namespace. */
  constructor(
    private readonly kube: KubeClient,
    private readonly node: string,
    private readonly namespaces: string[],
    resyncMs: number,
    onError: (err: unknown) => void,
  ) {
    const labelSelector = `${NODE_LABEL}=${node}`;
    const scopes = namespaces.length ? namespaces : [''];
    for (const ns of scopes) {
      this.informers.set(ns, new Informer<DebugSession>(kube, { path: sessionsPath(ns || undefined), labelSelector, resyncMs, onError }));
    }
  }

  /** Whether this agent is responsible for sessions of that namespace. */
  watches(namespace: string): boolean {
    return this.namespaces.length === 0 || this.namespaces.includes(namespace);
  }

  onChange(handler: KeyHandler): void {
    for (const informer of this.informers.values()) informer.onChange(handler);
  }

  get(key: string): DebugSession | undefined {
    const namespace = key.split('/', 1)[0]!;
    return this.informerOf(namespace)?.get(key);
  }

  list(): DebugSession[] {
    return [...this.informers.values()].flatMap((i) => i.list());
  }

  /** Straight from the API server, bypassing a cache that may lag; undefined unless assigned to this node. */
  async fresh(namespace: string, name: string): Promise<DebugSession | undefined> {
    if (!this.watches(namespace)) return undefined;
    try {
      const session = await getSession(this.kube, namespace, name);
      return session.metadata.labels?.[NODE_LABEL] === this.node ? session : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  start(): void {
    for (const informer of this.informers.values()) informer.start();
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }

  async synced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.hasSynced));
  }

  private informerOf(namespace: string): Informer<DebugSession> | undefined {
    return this.informers.get(this.namespaces.length ? namespace : '');
  }
}
