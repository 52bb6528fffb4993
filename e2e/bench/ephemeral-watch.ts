// `kubectl debug POD --image=... -- true` returns once it has added the
// ephemeral container to the pod, before that container ran. To compare
// like with like, the benchmark times it until the kubelet reports the
// container terminated, seen through a watch on the pod opened beforehand
// (a watch, not polling, so the moment is not rounded to a poll interval).

import type { KubeClient } from '../../kube/client.ts';

export interface EphemeralWatch {
  /** Resolves with performance.now() at the event that showed `container` terminated. */
  terminated(container: string, timeoutMs?: number): Promise<number>;
  close(): void;
}

interface PodStatus { status?: { ephemeralContainerStatuses?: { name: string; state?: { terminated?: { exitCode: number } } }[] } }

export async function watchEphemeral(kube: KubeClient, ns: string, pod: string): Promise<EphemeralWatch> {
  const path = `/api/v1/namespaces/${ns}/pods`;
  const list = await kube.request('GET', path, { query: { fieldSelector: `metadata.name=${pod}` } });
  const ac = new AbortController();
  const res = await kube.stream(path, {
    query: { watch: 1, fieldSelector: `metadata.name=${pod}`, resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: false },
    signal: ac.signal,
  });
  const waiters = new Map<string, (at: number) => void>();
  let buffered = '';
  res.on('data', (chunk: Buffer) => {
    const at = performance.now();
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const event = JSON.parse(line) as { object: PodStatus };
      for (const s of event.object.status?.ephemeralContainerStatuses ?? []) {
        if (s.state?.terminated) waiters.get(s.name)?.(at);
      }
    }
  });
  res.on('error', () => {});
  const timers = new Set<NodeJS.Timeout>();
  return {
    terminated(container, timeoutMs = 120_000) {
      const promise = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`ephemeral container ${container} not terminated after ${timeoutMs} ms`)), timeoutMs);
        timers.add(timer);
        waiters.set(container, (at) => {
          clearTimeout(timer);
          waiters.delete(container);
          resolve(at);
        });
      });
      // Whoever gives up waiting (the kubectl command failed) must not leave a rejection behind.
      promise.catch(() => {});
      return promise;
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      ac.abort();
    },
  };
}
