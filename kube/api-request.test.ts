import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeRequest } from './api-request.ts';
import { PATCH } from './client.ts';

const sessions = '/apis/debug.kubectl-debug.dev/v1alpha1/namespaces/team-a/debugsessions';

test('a GET of a collection is a LIST, with watch=true a WATCH', () => {
  assert.equal(describeRequest('GET', sessions), { verb: 'LIST', resource: 'debugsessions' });
  assert.equal(describeRequest('GET', sessions, { query: { watch: true, resourceVersion: '7' } }), { verb: 'WATCH', resource: 'debugsessions' });
  assert.equal(describeRequest('GET', '/api/v1/pods', { query: { watch: 'true' } }), { verb: 'WATCH', resource: 'pods' });
});

test('a GET of one object is a GET', () => {
  assert.equal(describeRequest('GET', `${sessions}/web-debug`), { verb: 'GET', resource: 'debugsessions' });
  assert.equal(describeRequest('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/op'), { verb: 'GET', resource: 'leases' });
});

test('subresources are named with their resource', () => {
  assert.equal(describeRequest('PATCH', `${sessions}/web-debug/status`, { contentType: PATCH.apply }), { verb: 'APPLY', resource: 'debugsessions/status' });
  assert.equal(describeRequest('PATCH', `${sessions}/web-debug`, { contentType: PATCH.merge }), { verb: 'PATCH', resource: 'debugsessions' });
});

test('writes keep their method as verb', () => {
  assert.equal(describeRequest('POST', '/api/v1/namespaces/team-a/events'), { verb: 'POST', resource: 'events' });
  assert.equal(describeRequest('put', '/apis/coordination.k8s.io/v1/namespaces/ns/leases/op'), { verb: 'PUT', resource: 'leases' });
  assert.equal(describeRequest('DELETE', `${sessions}/web-debug`), { verb: 'DELETE', resource: 'debugsessions' });
});

test('cluster-scoped objects and namespaces themselves', () => {
  assert.equal(describeRequest('GET', '/api/v1/nodes/n1'), { verb: 'GET', resource: 'nodes' });
  assert.equal(describeRequest('GET', '/api/v1/namespaces'), { verb: 'LIST', resource: 'namespaces' });
  assert.equal(describeRequest('GET', '/api/v1/namespaces/team-a'), { verb: 'GET', resource: 'namespaces' });
});

test.run();
