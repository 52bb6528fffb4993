// Follows one session until `decide` has an answer: a watch on that single
// object (fieldSelector metadata.name), re-read with a GET whenever the watch
// ends or fails, so a proxy that breaks long requests costs a poll interval,
// not the session.

import type { DebugSession } from '../crds/types.ts';
import { KubeError, isNotFound, type KubeClient } from '../kube/client.ts';
import { getSession, sessionsPath } from '../kube/sessions.ts';
import { sleep } from './abortable-sleep.ts';
import { UserError } from './errors.ts';
import { waitingText } from './readiness.ts';

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with every version seen, for progress display. */
  onChange?: (session: DebugSession) => void;
  /** Pause before re-reading after a failed watch. */
  retryMs?: number;
  /** The session as just written (a create's answer): the first watch starts from it instead of a GET. */
  initial?: DebugSession;
}

export async function waitForSession<T>(
  kube: KubeClient,
  namespace: string,
  name: string,
  decide: (session: DebugSession) => T | undefined,
  opts: WaitOptions,
): Promise<T> {
  opts.signal?.throwIfAborted();
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new Error('timeout')), opts.timeoutMs);
  const stopOnAbort = () => ctrl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', stopOnAbort, { once: true });
  let last: DebugSession | undefined;
  const see = (session: DebugSession): T | undefined => {
    last = session;
    opts.onChange?.(session);
    return decide(session);
  };
  let initial = opts.initial;
  try {
    for (;;) {
      let current: DebugSession;
      try {
        current = initial ?? (await read(kube, namespace, name, ctrl.signal));
        initial = undefined;
      } catch (err) {
        // An API server restart or a flaky proxy is waited out, within the timeout.
        if (ctrl.signal.aborted || !isTransient(err)) throw err;
        await sleep(opts.retryMs ?? 1000, ctrl.signal);
        continue;
      }
      const answer = see(current);
      if (answer !== undefined) return answer;
      const watchStarted = Date.now();
      try {
        const fromWatch = await watchOnce(kube, namespace, name, current.metadata.resourceVersion!, see, ctrl.signal);
        if (fromWatch !== undefined) return fromWatch;
      } catch (err) {
        if (ctrl.signal.aborted || err instanceof UserError) throw err;
      }
      // A watch that fails or ends at once (a restarting API server) must not turn this loop into a busy one.
      if (Date.now() - watchStarted < 1000) await sleep(opts.retryMs ?? 1000, ctrl.signal);
    }
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (ctrl.signal.aborted) {
      const state = last ? ` (last state: ${waitingText(last)})` : '';
      throw new UserError(`timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for debug session ${name}${state}; raise --timeout to wait longer`);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stopOnAbort);
  }
}

async function read(kube: KubeClient, namespace: string, name: string, signal: AbortSignal): Promise<DebugSession> {
  signal.throwIfAborted();
  try {
    return await getSession(kube, namespace, name);
  } catch (err) {
    if (isNotFound(err)) throw new UserError(`debug session ${namespace}/${name} was deleted`);
    throw err;
  }
}

/** Follows one watch request; undefined when the server ended it without an answer. */
async function watchOnce<T>(
  kube: KubeClient,
  namespace: string,
  name: string,
  resourceVersion: string,
  see: (s: DebugSession) => T | undefined,
  signal: AbortSignal,
): Promise<T | undefined> {
  const res = await kube.stream(sessionsPath(namespace), {
    query: { watch: true, fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 60 },
    signal,
  });
  try {
    let buffered = '';
    for await (const chunk of res) {
      buffered += (chunk as Buffer).toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as { type: string; object: DebugSession };
        if (event.type === 'DELETED') throw new UserError(`debug session ${namespace}/${name} was deleted`);
        // ERROR is usually 410 Gone (our resourceVersion is too old): re-read.
        if (event.type === 'ERROR') return undefined;
        if (event.type === 'BOOKMARK') continue;
        const answer = see(event.object);
        if (answer !== undefined) return answer;
      }
    }
    return undefined;
  } finally {
    res.destroy();
  }
}

/** Errors worth another try: the connection, or the server saying it is busy or broken for now. */
function isTransient(err: unknown): boolean {
  if (err instanceof KubeError) return err.code === 429 || err.code >= 500;
  return typeof (err as NodeJS.ErrnoException).code === 'string' && !(err instanceof UserError);
}
