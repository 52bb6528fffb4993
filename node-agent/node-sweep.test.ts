import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugSession } from '../crds/types.ts';
import { createLogger } from '../log/logger.ts';
import type { DockerEngine } from './docker/engine.ts';
import { UsedSecretsFile } from './endpoint/used-secrets.ts';
import { sweepNode, type SweepDeps } from './node-sweep.ts';
import { StateDir } from './state-dir.ts';
import type { Terminals } from './terminal/terminals.ts';

const now = new Date('2026-03-10T00:00:00Z');
const hours = (n: number) => n * 3_600_000;

function container(session: string) {
  return { Id: session, Names: [], State: 'running', Labels: { 'debug.kubectl-debug.dev/session': session, 'debug.kubectl-debug.dev/node': 'n' } };
}

function deps(overrides: Partial<SweepDeps> & { containers?: ReturnType<typeof container>[] } = {}) {
  const state = new StateDir(mkdtempSync(join(tmpdir(), 'sweep-')));
  state.create();
  const enqueued: string[] = [];
  const d: SweepDeps = {
    node: 'n',
    docker: { listContainers: async () => overrides.containers ?? [] } as unknown as DockerEngine,
    sessions: { get: () => undefined, list: () => [], watches: (ns) => ns !== 'elsewhere' },
    enqueue: (key) => void enqueued.push(key),
    terminals: { entries: () => [], openFiles: () => new Set<string>(), dispose: async () => {} } as unknown as Terminals,
    usedSecrets: new UsedSecretsFile(),
    state,
    terminalGraceMs: 600_000,
    recordingRetentionMs: hours(72),
    clock: () => now,
    log: createLogger({}, { write: () => {} }),
    ...overrides,
  };
  return { d, enqueued, state };
}

test("every debug container of this node is handed to the reconciler, except other agents' namespaces", async () => {
  const { d, enqueued } = deps({ containers: [container('shop.dbg'), container('elsewhere.dbg')] });
  await sweepNode(d);
  assert.equal(enqueued, ['shop/dbg']);
});

test('every cached session is looked at too', async () => {
  const session = { metadata: { namespace: 'shop', name: 'idle' } } as DebugSession;
  const { d, enqueued } = deps({ sessions: { get: () => undefined, list: () => [session], watches: () => true } });
  await sweepNode(d);
  assert.equal(enqueued, ['shop/idle']);
});

test('recordings and logs past their retention are deleted, newer ones kept', async () => {
  const { d, state } = deps();
  const old = join(state.recordingsDir, 'shop_old_u1.cast');
  const fresh = join(state.logsDir, 'shop_new_u2.log');
  writeFileSync(old, 'x');
  writeFileSync(fresh, 'x');
  const past = new Date(now.getTime() - hours(73));
  utimesSync(old, past, past);
  utimesSync(fresh, now, now);
  await sweepNode(d);
  assert.not.ok(existsSync(old));
  assert.ok(existsSync(fresh));
});

test('a file still being written is kept whatever its age', async () => {
  const { d, state } = deps();
  const open = join(state.recordingsDir, 'shop_live_u3.cast');
  writeFileSync(open, 'x');
  const past = new Date(now.getTime() - hours(100));
  utimesSync(open, past, past);
  d.terminals = { entries: () => [], openFiles: () => new Set([open]), dispose: async () => {} } as unknown as Terminals;
  await sweepNode(d);
  assert.ok(existsSync(open));
});

test.run();
