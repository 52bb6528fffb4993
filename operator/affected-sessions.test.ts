import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DebugSession, Phase } from '../crds/types.ts';
import { affectedByAgent, affectedByPod } from './affected-sessions.ts';

function session(name: string, namespace: string, phase: Phase | undefined, target?: { pod: string; nodeName: string }, deleted = false): DebugSession {
  return {
    apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession',
    metadata: { name, namespace, ...(deleted ? { deletionTimestamp: '2026-11-27T10:00:00Z' } : {}) },
    spec: { target: { pod: target?.pod ?? 'web' } },
    status: { phase, ...(target ? { target: { ...target, podUID: 'u', container: 'app', hostIP: '127.0.0.1' } } : {}) },
  };
}

const all = [
  session('unplaced', 'a', 'Pending'),
  session('on-web', 'a', 'Running', { pod: 'web', nodeName: 'n1' }),
  session('on-db', 'a', 'Running', { pod: 'db', nodeName: 'n2' }),
  session('other-ns', 'b', 'Pending'),
  session('done', 'a', 'Succeeded', { pod: 'web', nodeName: 'n1' }),
  session('done-deleted', 'a', 'Failed', { pod: 'web', nodeName: 'n1' }, true),
];
const names = (ss: DebugSession[]) => ss.map((s) => s.metadata.name);

test('a pod affects the unplaced sessions of its namespace and those placed on it', () => {
  assert.equal(names(affectedByPod(all, 'a/web')), ['unplaced', 'on-web', 'done-deleted']);
  assert.equal(names(affectedByPod(all, 'a/db')), ['unplaced', 'on-db']);
  assert.equal(names(affectedByPod(all, 'b/web')), ['other-ns']);
});

test('an agent affects every unplaced session and those on its node', () => {
  assert.equal(names(affectedByAgent(all, 'n1')), ['unplaced', 'on-web', 'other-ns', 'done-deleted']);
  assert.equal(names(affectedByAgent(all, 'n3')), ['unplaced', 'other-ns']);
});

test.run();
