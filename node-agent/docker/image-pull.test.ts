import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pullDecision, pullReference } from './image-pull.ts';

test('IfNotPresent uses a present image and pulls a missing one', () => {
  assert.equal(pullDecision('tools:1', 'IfNotPresent', true), { kind: 'use' });
  assert.equal(pullDecision('tools:1', 'IfNotPresent', false), { kind: 'pull' });
});

test('Always pulls even when the image is present', () => {
  assert.equal(pullDecision('tools:1', 'Always', true), { kind: 'pull' });
});

test('Never with a missing image fails naming the image and the policy', () => {
  const d = pullDecision('tools:1', 'Never', false);
  assert.is(d.kind, 'fail');
  assert.match((d as { message: string }).message, /tools:1 is not present on the node and imagePullPolicy is Never/);
  assert.equal(pullDecision('tools:1', 'Never', true), { kind: 'use' });
});

test('a reference without a tag pulls latest rather than every tag', () => {
  assert.equal(pullReference('debian'), { fromImage: 'debian', tag: 'latest' });
});

test('a tag, a digest and a registry port are told apart', () => {
  assert.equal(pullReference('kubectl-debug/tools:1'), { fromImage: 'kubectl-debug/tools', tag: '1' });
  assert.equal(pullReference('registry.local:5000/tools'), { fromImage: 'registry.local:5000/tools', tag: 'latest' });
  assert.equal(pullReference('registry.local:5000/tools:2'), { fromImage: 'registry.local:5000/tools', tag: '2' });
  assert.equal(pullReference('busybox@sha256:abc'), { fromImage: 'busybox', tag: 'sha256:abc' });
});

test.run();
