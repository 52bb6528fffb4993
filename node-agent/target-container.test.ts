import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResolvedTarget } from '../crds/types.ts';
import type { ContainerStatus, Pod } from '../kube/objects.ts';
import { pickSandbox, targetContainerID } from './target-container.ts';
import { SessionFailure } from './session-failure.ts';

const target: ResolvedTarget = { pod: 'web', podUID: 'pod-uid', container: 'app', nodeName: 'n', hostIP: '127.0.0.1' };

function pod(status: Partial<ContainerStatus>, uid = 'pod-uid'): Pod {
  return {
    metadata: { name: 'web', uid },
    spec: { containers: [{ name: 'app' }] },
    status: { containerStatuses: [{ name: 'app', state: { running: {} }, ...status }] },
  };
}

function failure(fn: () => unknown): SessionFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof SessionFailure) return err;
    throw err;
  }
  throw new Error('expected a SessionFailure');
}

test('a docker:// container ID is the Docker ID without its prefix', () => {
  assert.is(targetContainerID(pod({ containerID: 'docker://abc123' }), target), 'abc123');
});

test('another runtime fails as UnsupportedRuntime naming that runtime', () => {
  const err = failure(() => targetContainerID(pod({ containerID: 'containerd://abc' }), target));
  assert.is(err.reason, 'UnsupportedRuntime');
  assert.match(err.message, /"containerd"/);
});

test('a container that is not running, or has no ID yet, fails as ContainerFailed', () => {
  assert.is(failure(() => targetContainerID(pod({ containerID: 'docker://abc', state: { waiting: {} } }), target)).reason, 'ContainerFailed');
  assert.is(failure(() => targetContainerID(pod({ containerID: undefined }), target)).reason, 'ContainerFailed');
});

test('a pod replaced under the same name is not joined', () => {
  assert.match(failure(() => targetContainerID(pod({ containerID: 'docker://abc' }, 'other'), target)).message, /replaced/);
});

test('the running sandbox is chosen over exited ones, and none is a failure', () => {
  const c = (Id: string, State: string) => ({ Id, State, Names: [], Labels: {} });
  assert.is(pickSandbox([c('old', 'exited'), c('new', 'running')], 'web'), 'new');
  assert.is(failure(() => pickSandbox([c('old', 'exited')], 'web')).reason, 'ContainerFailed');
});

test.run();
