// The CLI in a real pseudo-terminal (tmux), on the local cluster with the
// real operator and agent: the interactive shell sees the target's processes
// and sockets, follows resizes, gets Ctrl-C as a key, exits on Ctrl-D with
// the terminal restored, and a CLI killed outright leaves no container.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, type ChildProcess } from 'node:child_process';
import type { DebugSession } from '../crds/types.ts';
import { sessionsPath } from '../kube/sessions.ts';
import { Terminal, docker, run, startCliStack, type CliStack } from './cli-harness.ts';
import { kubeClient, suffix, waitFor } from './kubectl.ts';

const term = suite<{ stack: CliStack; terminals: Terminal[] }>('cli-terminal', { stack: undefined as unknown as CliStack, terminals: [] });
const kube = await kubeClient();

/** Prints the exit code and whether the terminal is back in canonical mode with echo. */
const AFTER = `; echo "EXIT=$?"; stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo END`;
/** bash in the tools image, as root. */
const REMOTE_PROMPT = /(root@[^\n]*|bash-[\d.]+)# $/m;

function terminal(ctx: { stack: CliStack; terminals: Terminal[] }): Terminal {
  const t = Terminal.start(`e2e-cli-${suffix()}`, ctx.stack.env);
  ctx.terminals.push(t);
  return t;
}

term.before(async (ctx) => {
  ctx.stack = await startCliStack('e2e-cli-tty');
});

term.after(async (ctx) => {
  for (const t of ctx.terminals) t.kill();
  await ctx.stack?.stop();
  kube.close();
});

term('the interactive shell sees the pod, follows resizes, takes Ctrl-C as a key and restores the terminal on Ctrl-D', async (ctx) => {
  const t = terminal(ctx);
  t.line(`kubectl-debug -n ${ctx.stack.ns} web${AFTER}`);
  await t.waitFor(REMOTE_PROMPT, 90_000);

  t.line('ps aux');
  await t.waitFor(/httpd -f -p 127\.0\.0\.1:8080/);
  t.line('ss -lnt');
  await t.waitFor(/LISTEN\s+\d+\s+\d+\s+127\.0\.0\.1:8080/);

  t.line('stty size');
  await t.waitFor(/^40 120$/m);
  t.resize(100, 30);
  await new Promise((r) => setTimeout(r, 300));
  t.line('stty size');
  await t.waitFor(/^30 100$/m);

  // In raw mode Ctrl-C is a byte for the remote shell: it stops `sleep`, not the CLI.
  t.line('sleep 30');
  await new Promise((r) => setTimeout(r, 500));
  t.keys('C-c');
  t.line('echo still-$((40+2))');
  await t.waitFor(/^still-42$/m);

  t.keys('C-d');
  const [, modes] = (await t.waitFor(/EXIT=0\n(.*)END/, 30_000));
  assert.match(modes!, /(^| )icanon /);
  assert.match(modes!, /(^| )echo /);
});

term('the exit code of a command run with a TTY comes back', async (ctx) => {
  const t = terminal(ctx);
  t.line(`kubectl-debug -n ${ctx.stack.ns} web -- sh -c 'exit 3'${AFTER}`);
  const [, modes] = await t.waitFor(/EXIT=3\n(.*)END/, 90_000);
  assert.match(modes!, /(^| )icanon /);
});

term('SIGTERM ends the CLI with 143, the terminal restored and the session deleted', async (ctx) => {
  const t = terminal(ctx);
  t.line(`kubectl-debug -n ${ctx.stack.ns} web --idle-timeout 600${AFTER}`);
  await t.waitFor(REMOTE_PROMPT, 90_000);
  const pid = execFileSync('pgrep', ['-f', `cli.cjs -n ${ctx.stack.ns} web --idle-timeout 600`], { encoding: 'utf8' }).trim().split('\n')[0]!;
  process.kill(Number(pid), 'SIGTERM');
  const [, modes] = await t.waitFor(/EXIT=143\n(.*)END/, 30_000);
  assert.match(modes!, /(^| )icanon /);
  assert.match(modes!, /(^| )echo /);
  await waitFor(async () => (await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(ctx.stack.ns))).items.length === 0, 30_000, 'session deleted');
});

term('what was typed is in the recording, which replay plays and --raw prints for asciinema', async (ctx) => {
  const t = terminal(ctx);
  t.line(`kubectl-debug -n ${ctx.stack.ns} web --keep${AFTER}`);
  await t.waitFor(REMOTE_PROMPT, 90_000);
  t.line('echo recorded-$((6*7))');
  await t.waitFor(/^recorded-42$/m);
  t.keys('C-d');
  await t.waitFor(/EXIT=0/, 30_000);
  const name = t.screen().match(/Kept debug session (\S+);/)?.[1];
  assert.ok(name, t.screen());

  const raw = await run('kubectl-debug', ['-n', ctx.stack.ns, 'replay', name!, '--raw'], { env: ctx.stack.env });
  assert.is(raw.code, 0, raw.stderr);
  const [header, ...events] = raw.stdout.trim().split('\n');
  assert.is(JSON.parse(header!).version, 2);
  assert.ok(events.some((e) => JSON.parse(e)[2].includes('recorded-42')), raw.stdout);

  const played = await run('kubectl-debug', ['-n', ctx.stack.ns, 'replay', name!, '--speed', '50'], { env: ctx.stack.env });
  assert.is(played.code, 0, played.stderr);
  assert.match(played.stdout, /recorded-42/);
  await run('kubectl-debug', ['-n', ctx.stack.ns, 'delete', name!], { env: ctx.stack.env });
});

term('a CLI killed with SIGKILL leaves no container once the idle timeout has passed', async (ctx) => {
  let child: ChildProcess | undefined;
  // stdin stays an open pipe: the session is attached until the kill.
  const done = run('kubectl-debug', ['-n', ctx.stack.ns, 'web', '-i', '--idle-timeout', '15', '--', 'sh'], {
    env: ctx.stack.env,
    onSpawn: (c) => (child = c),
  });
  const session = await waitFor(async () => {
    const { items } = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(ctx.stack.ns));
    return items.find((s) => (s.status?.runtime?.attachedClients ?? 0) > 0);
  }, 90_000, 'an attached session');
  const filter = `label=debug.kubectl-debug.dev/session-uid=${session.metadata.uid}`;
  assert.ok((await docker(['ps', '-q', '--filter', filter])).trim(), 'the debug container runs');

  child!.kill('SIGKILL');
  await done;
  await waitFor(async () => (await docker(['ps', '-aq', '--filter', filter])).trim() === '', 60_000, 'the debug container gone');
  const { items } = await kube.request<{ items: DebugSession[] }>('GET', sessionsPath(ctx.stack.ns));
  const after = items.find((s) => s.metadata.uid === session.metadata.uid);
  assert.is(after?.status?.conditions?.find((c) => c.type === 'Finished')?.reason, 'IdleTimeout');
});

term.run();
