// waitForSession against a small fake API server on 127.0.0.1 that serves
// one DebugSession by GET and by watch, scripted per test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugSession, Phase } from '../crds/types.ts';
import { KubeClient } from '../kube/client.ts';
import { waitForSession } from './wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'dbg-wait-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=test',
  '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });

const session = (phase: Phase, rv: string): DebugSession => ({
  apiVersion: 'debug.kubectl-debug.dev/v1alpha1', kind: 'DebugSession',
  metadata: { name: 's', namespace: 'ns', resourceVersion: rv }, spec: { target: { pod: 'web' } }, status: { phase },
});

/** What the fake answers: GET gives `current` (or `getStatus`), a watch streams `events` and ends. */
const world = { current: session('Pending', '1'), getStatus: 200, events: [] as object[], gets: 0, watches: [] as string[] };

const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
  const url = new URL(req.url!, 'https://x');
  if (url.searchParams.get('watch') === 'true') {
    world.watches.push(`${url.searchParams.get('fieldSelector')} rv=${url.searchParams.get('resourceVersion')}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    for (const e of world.events.splice(0)) res.write(JSON.stringify(e) + '\n');
    return void res.end();
  }
  world.gets++;
  if (world.getStatus !== 200) return void res.writeHead(world.getStatus).end(JSON.stringify({ message: 'not now' }));
  res.end(JSON.stringify(world.current));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const kube = new KubeClient({ server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, insecureSkipTLSVerify: true, namespace: 'ns', user: 't' });

const running = (s: DebugSession) => (s.status?.phase === 'Running' ? s.metadata.resourceVersion : undefined);
const reset = () => Object.assign(world, { current: session('Pending', '1'), getStatus: 200, events: [], gets: 0, watches: [] });

test('an answer in the first read needs no watch', async () => {
  reset();
  world.current = session('Running', '5');
  assert.is(await waitForSession(kube, 'ns', 's', running, { timeoutMs: 5000 }), '5');
  assert.equal(world.watches, []);
});

test('the watch is on that one object from the version read, and its events are decided on', async () => {
  reset();
  world.events = [{ type: 'MODIFIED', object: session('Assigned', '2') }, { type: 'MODIFIED', object: session('Running', '3') }];
  const seen: string[] = [];
  const rv = await waitForSession(kube, 'ns', 's', running, { timeoutMs: 5000, onChange: (s) => seen.push(s.status!.phase!) });
  assert.is(rv, '3');
  assert.equal(world.watches, ['metadata.name=s rv=1']);
  assert.equal(seen, ['Pending', 'Assigned', 'Running']);
});

test('a known initial state starts the watch from its version without a GET', async () => {
  reset();
  world.events = [{ type: 'MODIFIED', object: session('Running', '7') }];
  assert.is(await waitForSession(kube, 'ns', 's', running, { timeoutMs: 5000, initial: session('Pending', '3') }), '7');
  assert.is(world.gets, 0);
  assert.equal(world.watches, ['metadata.name=s rv=3']);
});

test('a watch ERROR (410 Gone) is followed by a fresh read', async () => {
  reset();
  world.events = [{ type: 'ERROR', object: { code: 410, message: 'too old' } }];
  setTimeout(() => (world.current = session('Running', '9')), 100);
  assert.is(await waitForSession(kube, 'ns', 's', running, { timeoutMs: 10_000, retryMs: 50 }), '9');
  assert.ok(world.gets >= 2);
});

test('a deleted session ends the wait with a clear error', async () => {
  reset();
  world.events = [{ type: 'DELETED', object: session('Pending', '2') }];
  try {
    await waitForSession(kube, 'ns', 's', running, { timeoutMs: 5000 });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /debug session ns\/s was deleted/);
  }
});

test('an API server that is briefly unavailable is waited out', async () => {
  reset();
  world.getStatus = 503;
  setTimeout(() => Object.assign(world, { getStatus: 200, current: session('Running', '4') }), 300);
  assert.is(await waitForSession(kube, 'ns', 's', running, { timeoutMs: 10_000, retryMs: 50 }), '4');
});

test('the timeout names the session, its last state and the flag to raise', async () => {
  reset();
  const started = Date.now();
  try {
    await waitForSession(kube, 'ns', 's', running, { timeoutMs: 700, retryMs: 50 });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /timed out after 1s waiting for debug session s \(last state: Pending\); raise --timeout/);
  }
  assert.ok(Date.now() - started < 3000);
  // Watches that end at once are not retried in a busy loop.
  assert.ok(world.watches.length < 20, `${world.watches.length} watches`);
});

test.after(() => {
  kube.close();
  server.close();
});

test.run();
