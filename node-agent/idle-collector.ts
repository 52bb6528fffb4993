// An idle agent allocates too slowly for V8 ever to reach its first full
// collection: the little garbage of Lease renewals, sweeps and resyncs that
// outlives two scavenges piles up in the old generation, about 0.1 MiB a
// minute, and idle RSS passed 60 MiB after 35 minutes. So while no session is
// live the agent asks for a full collection now and then (node --expose-gc,
// config/images/agent.node-flags); it pauses nobody, and with sessions the
// allocation drives V8's own collections. Without the flag it does nothing.

export type Collect = () => void;

export class IdleCollector {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly isIdle: () => boolean,
    private readonly intervalMs: number,
    private readonly collect: Collect | undefined = (globalThis as { gc?: Collect }).gc,
  ) {}

  /** Whether collections will happen at all: node was started with --expose-gc. */
  get enabled(): boolean {
    return this.collect !== undefined;
  }

  start(): void {
    if (!this.collect) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  tick(): void {
    if (this.isIdle()) this.collect?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
