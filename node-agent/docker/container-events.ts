// Docker's event stream for the agent's own containers, followed forever:
// an exit ("die") wakes the session's reconcile at once instead of at the
// next sweep. When the stream breaks (the daemon restarted) it is opened
// again after a capped backoff, and every session is looked at again,
// because events in between were missed.

import type { Logger } from '../../log/logger.ts';
import type { DockerEngine, DockerEvent } from './engine.ts';

export interface ContainerEventsOptions {
  docker: DockerEngine;
  /** `key=value` labels every followed container carries. */
  labels: string[];
  onEvent(event: DockerEvent): void;
  /** The stream (re)opened: anything may have happened meanwhile. */
  onConnected(): void;
  log: Logger;
}

export class ContainerEvents {
  private stopped = false;
  private abort = new AbortController();

  constructor(private readonly o: ContainerEventsOptions) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  private async run(): Promise<void> {
    let backoffMs = 500;
    while (!this.stopped) {
      try {
        await this.follow(() => (backoffMs = 500));
        this.o.log.info({}, 'Docker event stream ended; reconnecting');
      } catch (err) {
        if (this.stopped) return;
        this.o.log.warn({ err, retryInMs: backoffMs }, 'Lost Docker event stream');
      }
      await new Promise((r) => setTimeout(r, backoffMs).unref());
      backoffMs = Math.min(backoffMs * 2, 30_000);
    }
  }

  private async follow(connected: () => void): Promise<void> {
    const res = await this.o.docker.events(this.o.labels);
    this.abort.signal.addEventListener('abort', () => res.destroy(), { once: true });
    connected();
    this.o.onConnected();
    let buffered = '';
    for await (const chunk of res) {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) this.o.onEvent(JSON.parse(line) as DockerEvent);
      }
    }
  }
}
