import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DebugSession } from '../crds/types.ts';
import { humanDuration, sessionTable } from './list-table.ts';

const now = new Date('2026-03-01T12:00:00Z');
const sessions: DebugSession[] = [
  {
    apiVersion: 'debug.kubectl-debug.dev/v1alpha1',
    kind: 'DebugSession',
    metadata: { name: 'web-debug-abcde', namespace: 'shop', creationTimestamp: '2026-03-01T11:59:15Z' },
    spec: { target: { pod: 'web' }, image: 'busybox:1' },
    status: {
      phase: 'Running',
      target: { pod: 'web', podUID: 'u', container: 'nginx', nodeName: 'node-1', hostIP: '10.0.0.1' },
      runtime: { attachedClients: 1 },
      conditions: [{ type: 'Ready', status: 'True', reason: 'ContainerRunning', message: '', lastTransitionTime: '' }],
    },
  },
  {
    apiVersion: 'debug.kubectl-debug.dev/v1alpha1',
    kind: 'DebugSession',
    metadata: { name: 'api', namespace: 'other', creationTimestamp: '2026-02-28T09:00:00Z' },
    spec: { target: { workload: { kind: 'Deployment', name: 'api' } } },
  },
];

test('the table has kubectl-style columns three spaces apart', () => {
  assert.is(
    sessionTable(sessions, { allNamespaces: false, wide: false, now }),
    [
      'NAME              POD              CONTAINER   NODE     PHASE     AGE',
      'web-debug-abcde   web              nginx       node-1   Running   45s',
      'api               deployment/api   <none>      <none>   Pending   27h',
      '',
    ].join('\n'),
  );
});

test('-A adds NAMESPACE first, -o wide adds image, reason and attached clients', () => {
  const lines = sessionTable(sessions, { allNamespaces: true, wide: true, now }).split('\n');
  assert.match(lines[0]!, /^NAMESPACE\s+NAME\s+POD\s+CONTAINER\s+NODE\s+PHASE\s+AGE\s+IMAGE\s+REASON\s+CLIENTS$/);
  assert.match(lines[1]!, /^shop\s+web-debug-abcde\s.*busybox:1\s+<none>\s+1$/);
  assert.match(lines[2]!, /^other\s+api\s.*<default>\s+<none>\s+0$/);
});

test("AGE follows kubectl's rounding", () => {
  const cases: [number, string][] = [[5, '5s'], [119, '119s'], [125, '2m5s'], [600, '10m'], [3 * 3600, '3h'], [3 * 3600 + 60, '3h1m'],
    [30 * 3600, '30h'], [50 * 3600, '2d2h'], [10 * 86400, '10d'], [800 * 86400, '2y70d']];
  for (const [seconds, text] of cases) assert.is(humanDuration(seconds * 1000), text, `${seconds}s`);
});

test.run();
