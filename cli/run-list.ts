// Lists sessions and prints them in the asked format.

import * as yaml from 'js-yaml';
import { API_VERSION, KIND, type DebugSession } from '../crds/types.ts';
import { sessionsPath } from '../kube/sessions.ts';
import { openKube } from './kube-context.ts';
import { sessionTable } from './list-table.ts';
import type { Connection } from './options.ts';

export async function listSessions(conn: Connection, opts: { allNamespaces: boolean; output?: 'wide' | 'json' | 'yaml' }): Promise<number> {
  const { kube, namespace } = await openKube(conn);
  try {
    const list = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(opts.allNamespaces ? undefined : namespace));
    // Items of a list response may leave out apiVersion and kind; a List of objects needs them.
    const items = list.items.map((s): DebugSession => ({ ...s, apiVersion: API_VERSION, kind: KIND }));
    if (opts.output === 'json' || opts.output === 'yaml') {
      // kubectl's shape for a list of objects, so `jq '.items[]'` habits carry over.
      const doc = { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(doc, null, 4)}\n` : yaml.dump(doc, { noRefs: true, lineWidth: -1 }));
      return 0;
    }
    if (items.length === 0) {
      process.stderr.write(opts.allNamespaces ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
      return 0;
    }
    process.stdout.write(sessionTable(items, { allNamespaces: opts.allNamespaces, wide: opts.output === 'wide', now: new Date() }));
    return 0;
  } finally {
    kube.close();
  }
}
