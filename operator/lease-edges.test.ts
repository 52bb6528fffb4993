import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AGENT_ENDPOINT_ANNOTATION } from '../kube/agent-lease.ts';
import type { Lease } from '../kube/objects.ts';
import { LeaseEdges } from './lease-edges.ts';

const KEY = 'kube-system/kubectl-debug-agent.node-a';

function lease(holder: string, renewedMsAgo: number, durationSeconds = 30, endpoint = 'https://127.0.0.1:10027'): Lease {
  return {
    metadata: { name: 'kubectl-debug-agent.node-a', namespace: 'kube-system', annotations: { [AGENT_ENDPOINT_ANNOTATION]: endpoint } },
    spec: { holderIdentity: holder, leaseDurationSeconds: durationSeconds, renewTime: new Date(Date.now() - renewedMsAgo).toISOString() },
  };
}

function setup() {
  const store = new Map<string, Lease>();
  const edges: string[] = [];
  const watcher = new LeaseEdges((k) => store.get(k), (node) => edges.push(node));
  return { store, edges, watcher };
}

test('a new Lease is an edge; its renewals are not', () => {
  const { store, edges, watcher } = setup();
  store.set(KEY, lease('agent-1', 0));
  watcher.changed(KEY);
  store.set(KEY, lease('agent-1', 0));
  watcher.changed(KEY);
  watcher.changed(KEY);
  assert.equal(edges, ['node-a']);
  watcher.stop();
});

test('another holder, another endpoint and a deletion are edges', () => {
  const { store, edges, watcher } = setup();
  store.set(KEY, lease('agent-1', 0));
  watcher.changed(KEY);
  store.set(KEY, lease('agent-2', 0));
  watcher.changed(KEY);
  store.set(KEY, lease('agent-2', 0, 30, 'https://127.0.0.1:10099'));
  watcher.changed(KEY);
  store.delete(KEY);
  watcher.changed(KEY);
  assert.equal(edges, ['node-a', 'node-a', 'node-a', 'node-a']);
  watcher.stop();
});

test('a Lease that stops being renewed is an edge when it expires, with no update', async () => {
  const { store, edges, watcher } = setup();
  // Renewed 900 ms ago for 1 s: expires in about 100 ms.
  store.set(KEY, lease('agent-1', 900, 1));
  watcher.changed(KEY);
  assert.equal(edges, ['node-a']);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(edges, ['node-a', 'node-a']);
  // A renewal after the expiry is the agent coming back.
  store.set(KEY, lease('agent-1', 0, 1));
  watcher.changed(KEY);
  assert.equal(edges, ['node-a', 'node-a', 'node-a']);
  watcher.stop();
});

test('Leases that are not agent registrations are ignored', () => {
  const { edges, watcher } = setup();
  watcher.changed('kube-system/kubectl-debug-operator-abc');
  assert.equal(edges, []);
});

test.run();
