import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HelpRequested, parseAgentFlags, UsageError } from './agent-flags.ts';

const throwsUsage = (argv: string[], pattern: RegExp) => {
  try {
    parseAgentFlags(argv);
  } catch (err) {
    assert.instance(err, UsageError);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a usage error for ${argv.join(' ')}`);
};

test('only the node name is required; everything else has its documented default', () => {
  const c = parseAgentFlags(['--node-name', 'n1']);
  assert.equal(c, {
    nodeName: 'n1', kubeconfig: undefined, leaseNamespace: 'kubectl-debug-system', namespaces: [],
    listenHost: '127.0.0.1', listenPort: 10027, advertiseAddress: '127.0.0.1', stateDir: '/var/lib/kubectl-debug',
    defaultImage: 'kubectl-debug/tools:1', maxSessions: 16, dockerSocket: '/var/run/docker.sock',
    recordingMaxBytes: 10485760, recordingRetentionHours: 72,
  });
});

test('--help is asked for, not an error', () => {
  assert.throws(() => parseAgentFlags(['--help']), (err: unknown) => err instanceof HelpRequested);
});

test('a missing node name is a usage error', () => {
  throwsUsage([], /--node-name is required/);
});

test('namespaces are a comma list, blanks ignored', () => {
  assert.equal(parseAgentFlags(['--node-name', 'n', '--namespaces', 'a, b,,']).namespaces, ['a', 'b']);
});

test('the advertised address defaults to the listen host and can be set apart', () => {
  assert.is(parseAgentFlags(['--node-name', 'n', '--listen', '127.0.0.2:9000']).advertiseAddress, '127.0.0.2');
  const c = parseAgentFlags(['--node-name', 'n', '--listen', '[::1]:0', '--advertise-address', 'agent.local']);
  assert.equal([c.listenHost, c.listenPort, c.advertiseAddress], ['::1', 0, 'agent.local']);
});

test('bad values name the flag', () => {
  throwsUsage(['--node-name', 'n', '--listen', '10027'], /--listen must be HOST:PORT/);
  throwsUsage(['--node-name', 'n', '--max-sessions', '0'], /--max-sessions/);
  throwsUsage(['--node-name', 'n', '--recording-max-bytes', 'lots'], /--recording-max-bytes/);
  throwsUsage(['--node-name', 'n', '--frobnicate'], /frobnicate/);
});

test.run();
