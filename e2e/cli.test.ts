// The CLI as users run it, on the local cluster with the real operator and
// agent, without a terminal: one-shot commands, exit codes, stdout and
// stderr kept apart, failures, the subcommands, and kubectl's plugin
// discovery. The interactive terminal is in cli-terminal.test.ts.

import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DebugSession } from '../crds/types.ts';
import { run, startCliStack, type CliStack } from './cli-harness.ts';
import { kubectl, kubeClient, waitFor } from './kubectl.ts';
import { sessionsPath } from '../kube/sessions.ts';

const cli = suite<{ stack: CliStack }>('cli', { stack: undefined as unknown as CliStack });
const kube = await kubeClient();

const dbg = (ctx: { stack: CliStack }, args: string[], input?: string) =>
  run('kubectl-debug', ['-n', ctx.stack.ns, ...args], { env: ctx.stack.env, input });

const sessions = async (ns: string) => (await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(ns))).items;

/** The name the CLI printed in "Kept debug session NAME". */
const keptName = (stderr: string) => stderr.match(/Kept debug session (\S+);/)?.[1];

cli.before(async (ctx) => {
  ctx.stack = await startCliStack('e2e-cli');
});

cli.after(async (ctx) => {
  await ctx.stack?.stop();
  kube.close();
});

cli('the remote exit code is the exit code of kubectl-debug', async (ctx) => {
  const r = await dbg(ctx, ['web', '--', 'sh', '-c', 'exit 3']);
  assert.is(r.code, 3, r.stderr);
  assert.is((await dbg(ctx, ['web', '--', 'true'])).code, 0);
});

cli('a one-shot command streams stdout and stderr apart, with no TTY and no prompt', async (ctx) => {
  // $((...)) so that the text printed differs from the command line `ps` shows.
  const r = await dbg(ctx, ['web', '--', 'sh', '-c', 'ps aux; echo to-$((1+1))-stderr >&2']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /httpd -f -p 127\.0\.0\.1:8080/);
  assert.not.match(r.stdout, /to-2-stderr/);
  assert.match(r.stderr, /to-2-stderr/);
  // Not a terminal: plain progress lines, no spinner control characters.
  assert.not.match(r.stderr, /\r|\x1b\[/);
});

cli('a pipeline sees only the stdout of the remote command', async (ctx) => {
  const r = await run('bash', ['-c', `kubectl-debug -n ${ctx.stack.ns} web -- ps aux | grep -c 'httpd -f'`], { env: ctx.stack.env });
  assert.is(r.stdout.trim(), '1', r.stderr);
});

cli('a one-shot command with large output prints all of it from the first line, also into a pipeline that stops early', async (ctx) => {
  const expected = Array.from({ length: 200_000 }, (_, i) => `${i + 1}\n`).join('');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const r = await dbg(ctx, ['web', '--', 'seq', '1', '200000']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.slice(0, 4), '1\n2\n', 'the beginning is there');
  assert.is(r.stdout.length, expected.length);
  assert.is(sha256(r.stdout), sha256(expected));
  const head = await run('bash', ['-c', `kubectl-debug -n ${ctx.stack.ns} web -- seq 1 100000 | head -2`], { env: ctx.stack.env });
  assert.is(head.stdout, '1\n2\n', head.stderr);
});

cli("a command that does not exist fails with Docker's words, after the CLI attached to start it", async (ctx) => {
  const r = await dbg(ctx, ['web', '--', 'no-such-command']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /error: starting the debug container failed: .*no-such-command/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

cli('stdin given with -i reaches the remote command, and its end ends the command', async (ctx) => {
  const r = await dbg(ctx, ['web', '-i', '--', 'sh', '-c', 'wc -l'], 'one\ntwo\nthree\n');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.trim(), '3');
});

cli('the session is deleted when the CLI exits', async (ctx) => {
  await dbg(ctx, ['web', '--', 'true']);
  await waitFor(async () => (await sessions(ctx.stack.ns)).length === 0, 30_000, 'no sessions left');
});

cli("a bad target fails at once with the operator's reason, and leaves nothing behind", async (ctx) => {
  const started = Date.now();
  const r = await dbg(ctx, ['ghost', '--', 'true']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /error: debug session ghost-debug-\w+ failed: PodNotFound: .*ghost/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(Date.now() - started < 30_000, 'failed fast');
  await waitFor(async () => (await sessions(ctx.stack.ns)).length === 0, 30_000, 'no sessions left');
});

cli('-v says how the agent was reached and never shows the attach secret', async (ctx) => {
  const r = await dbg(ctx, ['web', '-v', '--', 'true']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`Connected to the agent directly at 127\\.0\\.0\\.1:${ctx.stack.agentPort}`));
  // The secret is 32 random bytes in base64url: 43 characters.
  assert.not.match(r.stderr, /[A-Za-z0-9_-]{43}/);
});

cli('--port-forward without an agent pod says why it cannot take that path', async (ctx) => {
  // A command that outlives the wait, so the CLI must reach the agent to get anywhere.
  const r = await dbg(ctx, ['web', '--port-forward', '--', 'sleep', '30']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no agent pod \(label app\.kubernetes\.io\/name=kubectl-debug-agent\) runs on node 127\.0\.0\.1/);
  assert.match(r.stderr, /host process/);
});

cli('--keep keeps the session; list, logs and delete work on it', async (ctx) => {
  const r = await dbg(ctx, ['web', '--keep', '--', 'sh', '-c', 'echo kept-output']);
  assert.is(r.code, 0, r.stderr);
  const name = keptName(r.stderr);
  assert.ok(name, r.stderr);

  const table = await dbg(ctx, ['list']);
  assert.match(table.stdout, /^NAME\s+POD\s+CONTAINER\s+NODE\s+PHASE\s+AGE\n/);
  assert.match(table.stdout, new RegExp(`${name}\\s+web\\s+httpd\\s+127\\.0\\.0\\.1\\s+(Running|Succeeded)\\s+\\d+s`));
  const json = JSON.parse((await dbg(ctx, ['list', '-o', 'json'])).stdout);
  assert.is(json.kind, 'List');
  assert.ok(json.items.some((s: DebugSession) => s.metadata.name === name));
  assert.match((await run('kubectl-debug', ['list', '-A'], { env: ctx.stack.env })).stdout, new RegExp(`${ctx.stack.ns}\\s+${name}`));

  await waitFor(async () => (await sessions(ctx.stack.ns)).find((s) => s.metadata.name === name)?.status?.phase === 'Succeeded', 30_000, 'Succeeded');
  const logs = await dbg(ctx, ['logs', name!]);
  assert.is(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /kept-output/);

  const del = await dbg(ctx, ['delete', name!]);
  assert.match(del.stdout, new RegExp(`debugsession.debug.kubectl-debug.dev "${name}" deleted`));
  const again = await dbg(ctx, ['delete', name!, 'no-such-session']);
  assert.is(again.code, 1);
  assert.match(again.stderr, /"no-such-session" not found/);
});

cli('--detach prints only the name; attach joins the running session later', async (ctx) => {
  const created = await dbg(ctx, ['web', '--detach', '-i', '--', 'cat']);
  assert.is(created.code, 0, created.stderr);
  const name = created.stdout.trim();
  assert.match(name, /^web-debug-\w+$/);
  const attached = await dbg(ctx, ['attach', name], 'through attach\n');
  assert.is(attached.code, 0, attached.stderr);
  assert.is(attached.stdout, 'through attach\n');
  await dbg(ctx, ['delete', name]);
});

cli('user errors are one clear line and a non-zero exit, never a stack trace', async (ctx) => {
  const cases: [string[], RegExp][] = [
    [['web', '--deadline', 'soon'], /error: invalid --deadline "soon"/],
    [['web', '--bogus'], /error: Unknown argument: bogus\nSee 'kubectl dbg --help' for usage\./],
    [['list', '-o', 'xml'], /error: unknown output format "xml"/],
    [['attach', 'nope'], /error: debug session "nope" not found in namespace/],
    [['--kubeconfig', '/nonexistent', 'web'], /error: .*nonexistent/],
  ];
  for (const [args, message] of cases) {
    const r = await dbg(ctx, args);
    assert.is(r.code, 1, args.join(' '));
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /\n\s+at /, `${args.join(' ')}: no stack trace`);
  }
});

cli('kubectl finds kubectl-dbg as a plugin without a warning; kubectl-debug is shadowed by the built-in', async (ctx) => {
  const r = await kubectl(['plugin', 'list'], { env: ctx.stack.env });
  const mine = (r.stdout + r.stderr).split('\n').filter((l) => l.includes(ctx.stack.binDir) || /kubectl-d(bg|ebug)/.test(l));
  assert.ok(mine.some((l) => l.trim() === `${ctx.stack.binDir}/kubectl-dbg`), r.stdout);
  assert.not.ok(mine.some((l) => /warning/i.test(l) && l.includes('kubectl-dbg')), mine.join('\n'));
  // Reported, not wished away: kubectl warns that kubectl-debug is hidden by `kubectl debug`.
  console.log(`    kubectl plugin list about kubectl-debug: ${mine.filter((l) => l.includes('kubectl-debug ')).join(' | ') || '(nothing)'}`);
  const help = await kubectl(['dbg', '--help'], { env: ctx.stack.env });
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout, /kubectl dbg POD/);
});

cli.run();
