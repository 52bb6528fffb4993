// What the node agent on the real local cluster refuses: attaches without
// the session's one-time secret or not over TLS (and the certificate it
// serves is the one the session's status pins), and sessions past its
// --max-sessions.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import http from 'node:http';
import tls from 'node:tls';
import { AgentStack, attached, ready, refusal, run } from './agent-kit.ts';
import { kubectlOk, logged, waitFor } from './kubectl.ts';

let ctx: AgentStack;

test.before(logged('agent-refusals setup', async () => {
  ctx = await AgentStack.start();
}));

test.after(async () => {
  await ctx?.stop();
});

// ---- refusals --------------------------------------------------------------------

test('attach is refused without a secret, with a wrong one, with another session\'s, expired, replayed, and over plain HTTP', async () => {
  const tokenA = await ctx.createSession('guarded', { stdin: true, tty: true, image: 'kubectl-debug.local/busybox:1', command: ['sh'] });
  const tokenB = await ctx.createSession('other', { command: ['sleep', '60'], image: 'kubectl-debug.local/busybox:1' });
  const s = await ctx.waitSession('guarded', ready, 'Ready');
  const url = s.status!.runtime!.attachURL!;

  assert.is((await refusal(url, undefined)).refused, 401);
  assert.is((await refusal(url, 'not-the-secret')).refused, 403);
  assert.is((await refusal(url, tokenB)).refused, 403);

  const first = await attached(url, tokenA);
  first.ws.close();
  const replay = await refusal(url, tokenA);
  assert.is(replay.refused, 403);
  assert.match(replay.body, /already used/);

  const shortLived = await ctx.regrant('guarded', 1_000);
  await new Promise((r) => setTimeout(r, 1_500));
  const expired = await refusal(url, shortLived);
  assert.is(expired.refused, 403);
  assert.match(expired.body, /expired/);

  const plain = await new Promise<string>((resolve) => {
    http.get(url.replace('wss:', 'http:'), (res) => resolve(`answered HTTP ${res.statusCode}`)).on('error', (err) => resolve(`refused: ${err.message}`));
  });
  assert.match(plain, /^refused/);

  const logs = await run('cat', [ctx.agent!.logFile]);
  assert.match(logs.stdout, /Refused session request/);
  assert.not.ok(logs.stdout.includes(tokenA) || logs.stdout.includes(tokenB) || logs.stdout.includes(shortLived), 'no secret is logged');
});

test('the certificate the agent serves is the one its status pins', async () => {
  const s = await ctx.waitSession('guarded', ready, 'Ready');
  const served = await new Promise<Buffer>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: ctx.port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().raw);
      socket.end();
    });
    socket.on('error', reject);
  });
  assert.is(createHash('sha256').update(served).digest('hex'), s.status!.runtime!.certificateSHA256);
});

// ---- capacity --------------------------------------------------------------------

// Last in this file: the agent it leaves running is the capped one.
test('past --max-sessions a new session is refused with NodeAtCapacity', async () => {
  // A node with room for one: clear what earlier tests left running, restart the agent with the cap.
  await kubectlOk(['-n', ctx.ns, 'delete', 'debugsessions', '--all', '--wait=false']);
  await waitFor(async () => (await kubectlOk(['-n', ctx.ns, 'get', 'debugsessions', '-o', 'name'])).trim() === '', 60_000, 'earlier sessions to go');
  await ctx.agent!.stop();
  ctx.launchAgent(['--max-sessions', '1']);
  await ctx.createSession('first', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1' });
  await ctx.waitSession('first', ready, 'Ready');
  await ctx.createSession('second', { command: ['sleep', '600'], image: 'kubectl-debug.local/busybox:1' });
  const refused = await ctx.waitSession('second', (x) => x.status?.conditions?.some((c) => c.type === 'Ready' && c.reason === 'NodeAtCapacity'), 'NodeAtCapacity');
  assert.match(refused.status!.conditions!.find((c) => c.type === 'Ready')!.message, /maximum of 1/);
  assert.not.ok(refused.status!.runtime?.containerID, 'no container was created');
});

test.run();
