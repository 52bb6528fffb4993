import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newAttachToken } from '../attach/attach-token.ts';
import { sessionManifest } from './manifest.ts';
import { debugOptions } from './options.ts';

const requester = { user: 'ada', host: 'laptop', kubeUser: 'ada@prod' };
const opts = (flags: Parameters<typeof debugOptions>[0]) => debugOptions(flags, {}, { stdinIsTTY: true, stdoutIsTTY: true });

test('the session gets a generated name from the pod and says who made it and from where', () => {
  const s = sessionManifest(opts({ pod: 'web' }), 'shop', requester, undefined);
  assert.equal(s.metadata, {
    generateName: 'web-debug-',
    namespace: 'shop',
    labels: { 'debug.kubectl-debug.dev/created-by': 'kubectl-debug' },
    annotations: {
      'debug.kubectl-debug.dev/requested-by': 'ada (kubeconfig user ada@prod)',
      'debug.kubectl-debug.dev/requested-from': 'laptop',
    },
  });
  assert.is(s.apiVersion, 'debug.kubectl-debug.dev/v1alpha1');
  assert.is(s.kind, 'DebugSession');
});

test('the attach grant goes in at creation, so attaching needs no second write', () => {
  const { grant, token } = newAttachToken(new Date());
  const s = sessionManifest(opts({ pod: 'web' }), 'shop', requester, grant);
  assert.equal(s.spec.attach, grant);
  assert.not.ok(JSON.stringify(s).includes(token), 'the secret itself never goes to the API server');
});

test('unset options stay out of the spec so the CRD defaults apply', () => {
  const s = sessionManifest(opts({ pod: 'web' }), 'shop', requester, undefined);
  assert.equal(s.spec, { target: { pod: 'web' }, stdin: true, tty: true });
});

test('the command is split into entrypoint and arguments, and every option reaches its field', () => {
  const o = opts({
    pod: 'web', container: 'nginx', image: 'busybox:1', imagePullPolicy: 'Never', command: ['sh', '-c', 'exit 3'],
    deadline: '10m', idleTimeout: '60', stdin: false, tty: false,
  });
  assert.equal(sessionManifest(o, 'shop', requester, undefined).spec, {
    target: { pod: 'web', container: 'nginx' },
    image: 'busybox:1',
    imagePullPolicy: 'Never',
    command: ['sh'],
    args: ['-c', 'exit 3'],
    stdin: false,
    tty: false,
    activeDeadlineSeconds: 600,
    idleTimeoutSeconds: 60,
  });
});

test('a one-word command has no args', () => {
  const s = sessionManifest(opts({ pod: 'web', command: ['top'] }), 'shop', requester, undefined);
  assert.equal([s.spec.command, s.spec.args], [['top'], undefined]);
});

test.run();
