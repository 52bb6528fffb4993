import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Lease } from '../kube/objects.ts';
import { desiredLease, microTime } from './lease-heartbeat.ts';

const t0 = new Date('2026-03-01T10:00:00.123Z');
const t1 = new Date('2026-03-01T10:00:10.456Z');

test('times carry six fractional digits, as MicroTime requires', () => {
  assert.is(microTime(t0), '2026-03-01T10:00:00.123000Z');
});

test('a new Lease names the node, its endpoint and a 30 s duration', () => {
  const lease = desiredLease('node-a', 'https://127.0.0.1:10027', t0);
  assert.is(lease.metadata.name, 'kubectl-debug-agent.node-a');
  assert.is(lease.metadata.labels!['debug.kubectl-debug.dev/node'], 'node-a');
  assert.is(lease.metadata.annotations!['debug.kubectl-debug.dev/endpoint'], 'https://127.0.0.1:10027');
  assert.equal(lease.spec, {
    holderIdentity: 'node-a', leaseDurationSeconds: 30, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 0,
  });
});

test('renewing keeps the acquire time and resourceVersion and moves the renew time', () => {
  const first = desiredLease('node-a', 'https://127.0.0.1:10027', t0);
  const stored: Lease = { ...first, metadata: { ...first.metadata, resourceVersion: '42' } };
  const renewed = desiredLease('node-a', 'https://127.0.0.1:10027', t1, stored);
  assert.is(renewed.metadata.resourceVersion, '42');
  assert.is(renewed.spec.acquireTime, microTime(t0));
  assert.is(renewed.spec.renewTime, microTime(t1));
  assert.is(renewed.spec.leaseTransitions, 0);
});

test('taking over a Lease another holder wrote counts a transition', () => {
  const other: Lease = { metadata: { name: 'kubectl-debug-agent.node-a' }, spec: { holderIdentity: 'someone', acquireTime: 'x', leaseTransitions: 2 } };
  const mine = desiredLease('node-a', 'https://127.0.0.1:10027', t1, other);
  assert.is(mine.spec.leaseTransitions, 3);
  assert.is(mine.spec.acquireTime, microTime(t1));
});

test.run();
