// List-then-watch cache of one kind of object, that never gives up: a closed
// or failed watch is followed by a relist after a capped backoff (the
// client-node informer stops for good on most errors). Handlers get only the
// key of what changed, so consumers re-read the cache: level-based, as
// controllers should be.

import type { KubeClient } from './client.ts';

export interface Meta { metadata: { name?: string; namespace?: string; resourceVersion?: string } }

export interface InformerOptions {
  /** Collection path, e.g. /api/v1/pods or /apis/g/v/namespaces/ns/things. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every this many ms all keys are handed out again. */
  resyncMs?: number;
  onError?: (err: unknown) => void;
}

export type KeyHandler = (key: string) => void;

export const keyOf = (o: Meta) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name ?? '');

export class Informer<T extends Meta> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: KeyHandler[] = [];
  private stopped = false;
  private abort = new AbortController();
  private resyncTimer?: NodeJS.Timeout;
  private synced!: () => void;
  /** Resolves after the first complete list. */
  readonly hasSynced = new Promise<void>((resolve) => (this.synced = resolve));

  constructor(
    private readonly kube: KubeClient,
    private readonly opts: InformerOptions,
  ) {}

  onChange(handler: KeyHandler): void {
    this.handlers.push(handler);
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  start(): void {
    void this.run();
    if (this.opts.resyncMs) {
      this.resyncTimer = setInterval(() => this.cache.forEach((_, k) => this.emit(k)), this.opts.resyncMs);
      this.resyncTimer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    clearInterval(this.resyncTimer);
  }

  private emit(key: string): void {
    for (const h of this.handlers) h(key);
  }

  private async run(): Promise<void> {
    let backoffMs = 250;
    while (!this.stopped) {
      try {
        const resourceVersion = await this.relist();
        this.synced();
        backoffMs = 250;
        await this.watch(resourceVersion);
      } catch (err) {
        if (this.stopped) return;
        this.opts.onError?.(err);
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  private selectors() {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
  }

  private async relist(): Promise<string> {
    const list = await this.kube.request<{ items: T[]; metadata: { resourceVersion: string } }>('GET', this.opts.path, {
      query: this.selectors(),
      signal: this.abort.signal,
    });
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = keyOf(item);
      seen.add(key);
      this.cache.set(key, item);
      this.emit(key);
    }
    for (const key of [...this.cache.keys()]) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.emit(key);
      }
    }
    return list.metadata.resourceVersion;
  }

  /** Follows one watch until the server closes it; throws to force a relist. */
  private async watch(resourceVersion: string): Promise<void> {
    let rv = resourceVersion;
    while (!this.stopped) {
      const res = await this.kube.stream(this.opts.path, {
        query: { ...this.selectors(), watch: true, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 240 },
        signal: this.abort.signal,
      });
      let buffered = '';
      for await (const chunk of res) {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) rv = this.apply(JSON.parse(line), rv);
        }
      }
    }
  }

  private apply(event: { type: string; object: any }, rv: string): string {
    if (event.type === 'ERROR') throw new Error(`watch ${this.opts.path}: ${event.object?.message ?? 'error'}`);
    const obj = event.object as T;
    const next = obj.metadata.resourceVersion ?? rv;
    if (event.type === 'BOOKMARK') return next;
    const key = keyOf(obj);
    if (event.type === 'DELETED') this.cache.delete(key);
    else this.cache.set(key, obj);
    this.emit(key);
    return next;
  }
}
