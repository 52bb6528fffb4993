import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigPath, loadConfig, parseConfig } from './config.ts';
import { debugOptions } from './options.ts';

const dir = mkdtempSync(join(tmpdir(), 'dbg-config-'));
const atTerminal = { stdinIsTTY: true, stdoutIsTTY: true };
const parse = (text: string) => parseConfig(text, '/home/u/.kube/debug-config');

test('a missing file changes no default', () => {
  const loaded = loadConfig(join(dir, 'absent'));
  assert.equal(loaded, { config: {}, warnings: [] });
  assert.equal(debugOptions({ pod: 'web' }, loaded.config, atTerminal), debugOptions({ pod: 'web' }, {}, atTerminal));
});

test('an empty file is the same as no file', () => {
  assert.equal(parse(''), { config: {}, warnings: [] });
  assert.equal(parse('# only a comment\n'), { config: {}, warnings: [] });
});

test('every known key is read into its option', () => {
  const { config, warnings } = parse(`
image: kubectl-debug/tools:1
command: [bash, -l]
namespace: shop
deadline: 2h
idle_timeout: 300
timeout: 30s
keep: true
port_forward: true
image_pull_policy: Never
`);
  assert.equal(warnings, []);
  assert.equal(config, {
    image: 'kubectl-debug/tools:1', command: ['bash', '-l'], namespace: 'shop', deadline: 7200, idleTimeout: 300,
    timeout: 30, keep: true, portForward: true, imagePullPolicy: 'Never',
  });
});

test('unknown keys are named in a warning, and the known ones still apply', () => {
  const { config, warnings } = parse('image: busybox\nagentless: true\nverbosity: 3\n');
  assert.is(config.image, 'busybox');
  assert.is(warnings.length, 1);
  assert.match(warnings[0]!, /unknown keys agentless, verbosity/);
  assert.match(warnings[0]!, /\/home\/u\/\.kube\/debug-config/);
});

test("the seed's agent_port is accepted and ignored with a note", () => {
  const { config, warnings } = parse('agent_port: 10027\n');
  assert.equal(config, {});
  assert.match(warnings[0]!, /agent_port is ignored: the agent's address comes from each session's status/);
});

test('a bad value stops with the key and the value', () => {
  assert.throws(() => parse('keep: yes-please\n'), /keep must be true or false, got "yes-please"/);
  assert.throws(() => parse('deadline: soon\n'), /deadline must be seconds or a duration/);
  assert.throws(() => parse('image_pull_policy: Sometimes\n'), /image_pull_policy must be one of Always, IfNotPresent, Never/);
  assert.throws(() => parse('command: [1, 2]\n'), /command must be a list of strings/);
});

test('a file that is not a mapping or not YAML is refused with its path', () => {
  assert.throws(() => parse('- a\n- b\n'), /debug-config must be a YAML mapping/);
  assert.throws(() => parse('image: [unclosed\n'), /debug-config is not valid YAML/);
});

test('a single command string is a one-word command', () => {
  assert.equal(parse('command: bash\n').config.command, ['bash']);
});

test('a key with no value is the same as leaving it out', () => {
  assert.equal(parse('image:\n').config, {});
});

test('flags beat the file, and the file beats the defaults', () => {
  const { config } = parse('image: from-file\nnamespace: file-ns\ndeadline: 600\nkeep: true\ncommand: [bash]\n');
  const fromFile = debugOptions({ pod: 'web' }, config, atTerminal);
  assert.equal([fromFile.image, fromFile.namespace, fromFile.deadlineSeconds, fromFile.keep, fromFile.command], ['from-file', 'file-ns', 600, true, ['bash']]);
  const flagged = debugOptions({ pod: 'web', image: 'flag', namespace: 'flag-ns', deadline: '20m', keep: false, command: ['sh'] }, config, atTerminal);
  assert.equal([flagged.image, flagged.namespace, flagged.deadlineSeconds, flagged.keep, flagged.command], ['flag', 'flag-ns', 1200, false, ['sh']]);
  const defaults = debugOptions({ pod: 'web' }, {}, atTerminal);
  assert.equal([defaults.image, defaults.namespace, defaults.deadlineSeconds, defaults.keep, defaults.timeoutSeconds], [undefined, undefined, undefined, false, 120]);
});

test('a value from the file outside the allowed range names the key', () => {
  assert.throws(() => debugOptions({ pod: 'web' }, { idleTimeout: 5 }, atTerminal), /idle_timeout in the config file must be between 10 and 86400/);
});

test('a --config path that does not exist is an error; the default path missing is not', () => {
  assert.throws(() => loadConfig(join(dir, 'typo'), true), /config file .*typo does not exist/);
  assert.not.throws(() => loadConfig(join(dir, 'typo'), false));
});

test('KUBECTL_DEBUG_CONFIG moves the file; otherwise it is ~/.kube/debug-config', () => {
  assert.is(defaultConfigPath({ KUBECTL_DEBUG_CONFIG: '/etc/dbg.yaml' }, '/home/u'), '/etc/dbg.yaml');
  assert.is(defaultConfigPath({}, '/home/u'), '/home/u/.kube/debug-config');
});

test('a file on disk is read like its text', () => {
  const path = join(dir, 'debug-config');
  writeFileSync(path, 'port_forward: true\n');
  assert.equal(loadConfig(path).config, { portForward: true });
});

test.run();
