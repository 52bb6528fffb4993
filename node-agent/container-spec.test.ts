import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DebugSession } from '../crds/types.ts';
import { DEFAULT_COMMAND, debugContainerSpec, sessionKeyOfLabels } from './container-spec.ts';

function session(spec: Partial<DebugSession['spec']> = {}): DebugSession {
  return {
    apiVersion: 'debug.kubectl-debug.dev/v1alpha1',
    kind: 'DebugSession',
    metadata: { name: 'dbg-1', namespace: 'shop', uid: 'u-1', generation: 1 },
    spec: { target: { pod: 'web' }, ...spec },
  };
}

const build = (s: DebugSession) =>
  debugContainerSpec({ session: s, node: 'node-a', targetContainerID: 'target123', sandboxID: 'sandbox456', image: 'tools:1' });

test('the container is named and labelled from the session so a restart finds it', () => {
  const { name, spec } = build(session());
  assert.is(name, 'kubectl-debug-u-1');
  assert.equal(spec.Labels, {
    'debug.kubectl-debug.dev/session-uid': 'u-1',
    'debug.kubectl-debug.dev/session': 'shop.dbg-1',
    'debug.kubectl-debug.dev/node': 'node-a',
  });
});

test("it joins the target's pid and network namespaces and the sandbox's IPC namespace", () => {
  const { HostConfig } = build(session()).spec;
  assert.is(HostConfig.PidMode, 'container:target123');
  assert.is(HostConfig.NetworkMode, 'container:target123');
  assert.is(HostConfig.IpcMode, 'container:sandbox456');
  assert.ok(HostConfig.CapAdd.includes('SYS_PTRACE'));
  assert.is(HostConfig.AutoRemove, false);
});

test('Docker keeps no log of its own: the agent keeps the output, bounded', () => {
  assert.equal(build(session()).spec.HostConfig.LogConfig, { Type: 'none', Config: {} });
});

test('without a command it runs a shell, preferring bash', () => {
  const { spec } = build(session());
  assert.equal(spec.Entrypoint, DEFAULT_COMMAND);
  assert.equal(spec.Cmd, []);
});

test('command and args replace the entrypoint and its arguments', () => {
  const { spec } = build(session({ command: ['ps'], args: ['aux'] }));
  assert.equal(spec.Entrypoint, ['ps']);
  assert.equal(spec.Cmd, ['aux']);
});

test('an interactive terminal keeps stdin open across attaches', () => {
  const { spec } = build(session({ tty: true, stdin: true }));
  assert.equal([spec.Tty, spec.OpenStdin, spec.StdinOnce], [true, true, false]);
});

test('stdin without a terminal can be closed by the client, so the command sees end-of-file', () => {
  const { spec } = build(session({ stdin: true }));
  assert.equal([spec.Tty, spec.OpenStdin, spec.StdinOnce], [false, true, true]);
});

test('an unattended command gets no stdin', () => {
  const { spec } = build(session());
  assert.equal([spec.OpenStdin, spec.StdinOnce, spec.AttachStdin], [false, false, false]);
});

test('the session key is read back from the labels, names with dots included', () => {
  assert.is(sessionKeyOfLabels({ 'debug.kubectl-debug.dev/session': 'shop.dbg.v2' }), 'shop/dbg.v2');
  assert.is(sessionKeyOfLabels({}), undefined);
  assert.is(sessionKeyOfLabels({ 'debug.kubectl-debug.dev/session': 'nodot' }), undefined);
});

test.run();
