// Argument parsing through the real yargs set-up (handlers replaced by a
// capture), then into options: what a command line means, without running it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { flagsOf } from './commands/debug.ts';
import type { DebugConfig } from './config.ts';
import { UsageError } from './errors.ts';
import { debugOptions, podName, sessionName, type TerminalInfo } from './options.ts';
import { cliParser, type CommandModule } from './parser.ts';
import { CLI_VERSION } from './version.ts';

async function parse(args: string[]): Promise<{ module: CommandModule; argv: Record<string, any> }> {
  let chosen: { module: CommandModule; argv: Record<string, any> } | undefined;
  await cliParser(args, async (module, argv) => {
    chosen = { module, argv };
  }).parseAsync();
  if (!chosen) throw new Error('no command ran');
  return chosen;
}

/** uvu/assert has no async throws. */
async function rejects(promise: Promise<unknown>, expected: RegExp | (new (...a: any[]) => Error) | ((err: Error) => boolean)): Promise<void> {
  try {
    await promise;
  } catch (err) {
    if (expected instanceof RegExp) return assert.match((err as Error).message, expected);
    if (expected.prototype instanceof Error) return assert.instance(err, expected);
    return assert.ok((expected as (err: Error) => boolean)(err as Error), (err as Error).message);
  }
  assert.unreachable('expected a rejection');
}

const terminal: TerminalInfo = { stdinIsTTY: true, stdoutIsTTY: true };
const piped: TerminalInfo = { stdinIsTTY: true, stdoutIsTTY: false };
const noTerminal: TerminalInfo = { stdinIsTTY: false, stdoutIsTTY: false };

async function options(args: string[], term = terminal, config: DebugConfig = {}) {
  const { module, argv } = await parse(args);
  assert.is(module.command, '$0 [pod]');
  return debugOptions(flagsOf(argv), config, term);
}

test('--version prints the package version and runs no command', async () => {
  const printed: string[] = [];
  const log = console.log;
  console.log = (line: string) => void printed.push(line);
  let ran = false;
  try {
    await cliParser(['--version'], async () => void (ran = true)).parseAsync();
  } finally {
    console.log = log;
  }
  assert.equal(printed, [CLI_VERSION]);
  assert.match(CLI_VERSION, /^\d+\.\d+\.\d+/);
  assert.not.ok(ran);
});

test('a pod and the words after -- become the target and the command', async () => {
  const o = await options(['web', '-n', 'shop', '-c', 'nginx', '--', 'ps', 'aux', '--forest']);
  assert.equal([o.pod, o.namespace, o.container, o.command], ['web', 'shop', 'nginx', ['ps', 'aux', '--forest']]);
});

test('flags after -- belong to the remote command, not to us', async () => {
  const o = await options(['web', '--', 'sh', '-c', 'exit 3', '--keep']);
  assert.equal(o.command, ['sh', '-c', 'exit 3', '--keep']);
  assert.is(o.keep, false);
});

test('pod/NAME is accepted as kubectl accepts it', async () => {
  assert.is((await options(['pod/web'])).pod, 'web');
  assert.is(podName('pods/web-1'), 'web-1');
});

test('at a terminal with no command, stdin and a TTY are on', async () => {
  const o = await options(['web']);
  assert.equal([o.stdin, o.tty], [true, true]);
});

test('a command at a terminal is interactive too', async () => {
  const o = await options(['web', '--', 'sh']);
  assert.equal([o.stdin, o.tty], [true, true]);
});

test('a command whose output goes to a pipe gets no TTY, so stdout and stderr stay apart', async () => {
  const o = await options(['web', '--', 'ps', 'aux'], piped);
  assert.equal([o.stdin, o.tty], [true, false]);
});

test('without a terminal on stdin there is no stdin and no TTY unless asked', async () => {
  const o = await options(['web', '--', 'ps'], noTerminal);
  assert.equal([o.stdin, o.tty], [false, false]);
  const asked = await options(['web', '-i', '-t', '--', 'cat'], noTerminal);
  assert.equal([asked.stdin, asked.tty], [true, true]);
  const combined = await options(['web', '-it'], noTerminal);
  assert.equal([combined.stdin, combined.tty], [true, true]);
});

test('every boolean flag can be turned off with --no-', async () => {
  const config: DebugConfig = { keep: true, portForward: true };
  const o = await options(['web', '--no-keep', '--no-port-forward', '--no-stdin', '--no-tty', '--no-detach', '--no-verbose'], terminal, config);
  assert.equal([o.keep, o.portForward, o.stdin, o.tty, o.detach, o.verbose], [false, false, false, false, false, false]);
});

test('boolean flags turn on what the config file leaves off', async () => {
  const o = await options(['web', '--keep', '--port-forward', '--detach', '-v']);
  assert.equal([o.keep, o.portForward, o.detach, o.verbose], [true, true, true, true]);
});

test('durations take seconds or 15m-style values and fill the spec fields', async () => {
  const o = await options(['web', '--deadline', '15m', '--idle-timeout', '60', '--timeout', '30s']);
  assert.equal([o.deadlineSeconds, o.idleTimeoutSeconds, o.timeoutSeconds], [900, 60, 30]);
});

test('a deadline outside what the API allows is refused, naming the flag', async () => {
  await rejects(options(['web', '--deadline', '5']), /--deadline must be between 10 and 604800 seconds, got 5/);
  await rejects(options(['web', '--idle-timeout', 'later']), /invalid --idle-timeout "later"/);
  await rejects(options(['web', '--timeout', '0']), /--timeout must be more than 0 seconds/);
});

test('kubectl global flags are read', async () => {
  const o = await options(['--kubeconfig', '/tmp/kc', '--context', 'prod', 'web']);
  assert.equal([o.kubeconfig, o.context], ['/tmp/kc', 'prod']);
});

test('an unknown flag is a usage error', async () => {
  await rejects(parse(['web', '--bogus']), (err: Error) => err instanceof UsageError && /Unknown argument: bogus/.test(err.message));
});

test('a second positional argument is a usage error (the command goes after --)', async () => {
  await rejects(parse(['web', 'ps']), UsageError);
});

test('a missing pod name is a usage error that says what to type', async () => {
  await rejects(options([]), (err: Error) => err instanceof UsageError && /a pod name is required: kubectl dbg POD/.test(err.message));
});

test('names that cannot be Kubernetes names are refused before any request', async () => {
  await rejects(options(['Web_1']), /invalid pod name "Web_1"/);
  await rejects(options(['web', '-c', 'No']), /invalid container name "No"/);
  await rejects(options(['web', '-n', 'a/b']), /invalid namespace "a\/b"/);
  await rejects(options(['web', '--image-pull-policy', 'Sometimes']), /expected one of Always, IfNotPresent, Never/);
});

test('subcommands are chosen by name and take the global flags', async () => {
  const list = await parse(['list', '-A', '-o', 'wide', '-n', 'x']);
  assert.equal(list.module.command, ['list', 'ls']);
  assert.equal([list.argv.allNamespaces, list.argv.output, list.argv.namespace], [true, 'wide', 'x']);
  const del = await parse(['delete', 'a', 'b']);
  assert.equal(del.argv.sessions, ['a', 'b']);
  const replay = await parse(['replay', 's1', '--raw', '--speed', '2']);
  assert.equal([replay.argv.session, replay.argv.raw, replay.argv.speed], ['s1', true, 2]);
  const attach = await parse(['attach', 's1', '--port-forward']);
  assert.equal([attach.argv.session, attach.argv.portForward], ['s1', true]);
  assert.is((await parse(['logs', 's1'])).argv.session, 's1');
});

test('session names may be written as kubectl prints them', () => {
  assert.is(sessionName('debugsession.debug.kubectl-debug.dev/web-debug-x1', 'attach'), 'web-debug-x1');
  assert.is(sessionName('dbg/web-debug-x1', 'attach'), 'web-debug-x1');
  assert.throws(() => sessionName(undefined, 'logs'), /a session name is required: kubectl dbg logs SESSION/);
});

test.run();
