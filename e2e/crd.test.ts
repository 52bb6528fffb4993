// The DebugSession schema as the real API server enforces it: every sample is
// accepted, each bad manifest is rejected with a message that says what is
// wrong, and the spec cannot change after creation except spec.attach.

import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as yaml from 'js-yaml';
import { REPO_ROOT } from './prepare.ts';
import { createNamespace, deleteNamespace, kubectl, kubectlOk, logged } from './kubectl.ts';

const crd = suite<{ ns: string }>('DebugSession CRD on the real API server', { ns: '' });

crd.before(logged('crd setup', async (ctx) => {
  ctx.ns = await createNamespace('e2e-crd');
}));
crd.after(logged('crd clean-up', async (ctx) => {
  await deleteNamespace(ctx.ns);
}));

const session = (spec: unknown, name = 'bad') =>
  yaml.dump({ apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession', metadata: { name }, spec });

async function rejected(ctx: { ns: string }, spec: unknown, expected: string) {
  const r = await kubectl(['-n', ctx.ns, 'apply', '--dry-run=server', '-f', '-'], { input: session(spec) });
  assert.is.not(r.code, 0, `accepted: ${JSON.stringify(spec)}`);
  assert.match(r.stderr, expected);
}

crd('every sample in config/samples is accepted', async (ctx) => {
  const dir = resolve(REPO_ROOT, 'config/samples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  assert.ok(files.length >= 3);
  for (const f of files) {
    const r = await kubectl(['-n', ctx.ns, 'apply', '--dry-run=server', '-f', resolve(dir, f)]);
    assert.is(r.code, 0, `${f}: ${r.stderr}`);
  }
});

crd('a session without a target is rejected', (ctx) => rejected(ctx, { image: 'kubectl-debug/tools:1' }, 'spec.target: Required value'));

crd('a session with both a pod and a selector is rejected', (ctx) =>
  rejected(ctx, { target: { pod: 'web', selector: { matchLabels: { app: 'web' } } } }, 'exactly one of pod, selector or workload'));

crd('a pod name that is not a DNS-1123 name is rejected', (ctx) => rejected(ctx, { target: { pod: 'Web_1' } }, 'spec.target.pod'));

crd('a negative deadline is rejected', (ctx) => rejected(ctx, { target: { pod: 'web' }, activeDeadlineSeconds: -5 }, 'greater than or equal to 10'));

crd('a deadline beyond a week is rejected', (ctx) => rejected(ctx, { target: { pod: 'web' }, activeDeadlineSeconds: 99999999 }, 'less than or equal to 604800'));

crd('a malformed image reference is rejected', (ctx) => rejected(ctx, { target: { pod: 'web' }, image: 'not an image!' }, 'spec.image'));

crd('an unknown field is rejected', (ctx) => rejected(ctx, { target: { pod: 'web' }, privileged: true }, 'unknown field "spec.privileged"'));

crd('an unknown workload kind is rejected', (ctx) =>
  rejected(ctx, { target: { workload: { kind: 'CronJob', name: 'x' } } }, 'Unsupported value: "CronJob"'));

crd('the spec cannot change after creation, except the attach grant', async (ctx) => {
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], session({ target: { pod: 'web' } }, 'fixed'));
  const change = await kubectl(['-n', ctx.ns, 'patch', 'dbg', 'fixed', '--type=merge', '-p', '{"spec":{"image":"busybox"}}']);
  assert.is.not(change.code, 0);
  assert.match(change.stderr, 'spec is immutable after creation, except spec.attach');
  const grant = { tokenSHA256: 'a'.repeat(64), expiresAt: '2030-01-01T00:00:00Z' };
  const attach = await kubectl(['-n', ctx.ns, 'patch', 'dbg', 'fixed', '--type=merge', '-p', JSON.stringify({ spec: { attach: grant } })]);
  assert.is(attach.code, 0, attach.stderr);
});

crd('kubectl shows the printer columns and finds sessions by short name and category', async (ctx) => {
  await kubectlOk(['-n', ctx.ns, 'create', '-f', '-'], session({ target: { pod: 'web' } }, 'listed'));
  const byShortName = await kubectlOk(['-n', ctx.ns, 'get', 'dbg', 'listed']);
  assert.match(byShortName, /NAME\s+POD\s+CONTAINER\s+NODE\s+PHASE\s+AGE/);
  const byCategory = await kubectlOk(['-n', ctx.ns, 'get', 'debug']);
  assert.match(byCategory, 'listed');
});

crd.run();
