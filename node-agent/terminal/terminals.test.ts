// Terminals.whenOpen: a client that connected while its session's container
// was being created is held until the container exists, its launch fails, or
// the time runs out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugSession } from '../../crds/types.ts';
import { createLogger } from '../../log/logger.ts';
import type { DockerEngine } from '../docker/engine.ts';
import { StateDir } from '../state-dir.ts';
import { Terminals } from './terminals.ts';

function setup() {
  const state = new StateDir(mkdtempSync(join(tmpdir(), 'terminals-')));
  state.create();
  return new Terminals({
    // open() makes the terminal only; nothing here talks to Docker.
    docker: {} as DockerEngine,
    state,
    maxFileBytes: 1 << 20,
    clock: () => new Date(),
    log: createLogger({}, { write: () => {} }),
    onChange: () => {},
  });
}

const session = (uid: string): DebugSession => ({
  apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession',
  metadata: { name: `s-${uid}`, namespace: 'ns', uid }, spec: { target: { pod: 'web' } },
});

test('a held client gets the terminal as soon as it opens, before the opener continues', async () => {
  const terminals = setup();
  const held = terminals.whenOpen('u1', 5_000);
  let got: unknown;
  void held.then((outcome) => (got = outcome));
  const opened = terminals.open(session('u1'), 'c1');
  await Promise.resolve();
  assert.equal(got, { terminal: opened });
  await terminals.disposeAll();
});

test('a terminal already open is given at once', async () => {
  const terminals = setup();
  const opened = terminals.open(session('u2'), 'c2');
  assert.equal(await terminals.whenOpen('u2', 5_000), { terminal: opened });
  await terminals.disposeAll();
});

test('a failed launch tells every held client why', async () => {
  const terminals = setup();
  const a = terminals.whenOpen('u3', 5_000);
  const b = terminals.whenOpen('u3', 5_000);
  terminals.failWaiting('u3', 'image not found');
  assert.equal(await a, { failed: 'image not found' });
  assert.equal(await b, { failed: 'image not found' });
});

test('a client is held no longer than its time', async () => {
  const terminals = setup();
  const started = Date.now();
  assert.equal(await terminals.whenOpen('u4', 50), { timedOut: true });
  assert.ok(Date.now() - started >= 45);
  // Nothing is left waiting: a later open resolves nobody.
  terminals.open(session('u4'), 'c4');
  await terminals.disposeAll();
});

test.run();
