// Proof that the local cluster (e2e/cluster/up.sh) is a working Kubernetes:
// pods run in Docker through cri-dockerd, exec and logs pass through the API
// server to the kubelet, the scheduler and controller-manager do their part,
// and nothing the cluster started listens beyond loopback.
// Run after up.sh; each test works in a namespace of its own and removes it.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterEnv, kubectlPath, runDir } from './cluster/paths.ts';

const busybox = 'kubectl-debug.local/busybox:1';

// Set by the first test once it deleted its pod; checked last, since the
// kubelet removes the app containers at once but the sandbox only at its next
// container garbage collection (every minute), and the other tests run meanwhile.
let deletedPodUid: string | undefined;

interface Result { stdout: string; stderr: string; code: number }

function run(cmd: string, args: string[], input?: string, env = process.env): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const kubectl = (args: string[], input?: string) => run(kubectlPath(), args, input, clusterEnv());

async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = `: ${(err as Error).message}`;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last}`);
}

async function withNamespace(prefix: string, body: (ns: string) => Promise<void>): Promise<void> {
  const ns = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectlOk(['create', 'namespace', ns]);
  try {
    await waitFor(`default ServiceAccount in ${ns}`, 30_000, async () => (await kubectl(['-n', ns, 'get', 'serviceaccount', 'default'])).code === 0);
    await body(ns);
  } finally {
    await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  }
}

test('a pod with two containers runs in Docker; exec and logs go through the API server', async () => {
  await withNamespace('cluster-test-pod', async (ns) => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'two-', namespace: ns },
      spec: {
        nodeName: '127.0.0.1',
        terminationGracePeriodSeconds: 2,
        containers: [
          { name: 'web', image: busybox, command: ['httpd', '-f', '-p', '127.0.0.1:8080', '-h', '/etc'] },
          { name: 'side', image: busybox, command: ['sh', '-c', 'echo side-started; exec sleep 3600'] },
        ],
      },
    };
    const name = (await kubectlOk(['create', '-f', '-', '-o', 'jsonpath={.metadata.name}'], JSON.stringify(pod))).trim();

    const status = await waitFor('the pod to run', 90_000, async () => {
      const p = JSON.parse(await kubectlOk(['-n', ns, 'get', 'pod', name, '-o', 'json']));
      const statuses: any[] = p.status.containerStatuses ?? [];
      return p.status.phase === 'Running' && statuses.length === 2 && statuses.every((s) => s.ready) && p;
    });
    assert.is(status.status.hostIP, '127.0.0.1');
    for (const c of status.status.containerStatuses) assert.match(c.containerID, /^docker:\/\/[0-9a-f]{64}$/);
    const uid: string = status.metadata.uid;

    // exec: output, and the exit code carried back through the API server.
    // The containers share the pod's network namespace: side reaches web's
    // server on the pod's loopback.
    const exec = await kubectl(['-n', ns, 'exec', name, '-c', 'side', '--', 'sh', '-c', 'echo exec-out; wget -qO- http://127.0.0.1:8080/group']);
    assert.is(exec.code, 0, exec.stderr);
    assert.is(exec.stdout, 'exec-out\nroot:x:0:\nnogroup:x:65534:\n');
    const failing = await kubectl(['-n', ns, 'exec', name, '-c', 'side', '--', 'sh', '-c', 'exit 3']);
    assert.is(failing.code, 3);

    const logs = await kubectlOk(['-n', ns, 'logs', name, '-c', 'side']);
    assert.is(logs, 'side-started\n');

    const docker = await run('docker', ['ps', '-aq', '--filter', `label=io.kubernetes.pod.uid=${uid}`]);
    assert.is(docker.stdout.trim().split('\n').length, 3, 'two containers and the sandbox'); // web, side, pause

    await kubectlOk(['-n', ns, 'delete', 'pod', name, '--wait=false']);
    deletedPodUid = uid;
  });
});

/** Pids of the processes the cluster started, and of everything they started. */
function clusterPids(): Set<number> {
  const roots = new Set<number>();
  for (const f of readdirSync(runDir).filter((f) => f.endsWith('.pid'))) {
    const pid = Number(readFileSync(join(runDir, f), 'utf8').trim());
    if (pid > 0) roots.add(pid);
  }
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      // Container shims detach from dockerd; the containers of pods hang below them.
      if (readlinkSync(`/proc/${pid}/exe`).includes('containerd-shim') && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('moby')) roots.add(pid);
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  const ours = new Set<number>();
  for (const pid of parent.keys()) {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) {
      if (roots.has(p)) {
        ours.add(pid);
        break;
      }
    }
  }
  return ours;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

/**
 * Reads `ss -Hl[tu]np` output (State Recv-Q Send-Q Local Peer Process) and
 * returns the names of the processes in `pids` that listen on each address,
 * and a description of every such listener that is not on loopback.
 */
function listeners(proto: string, ssOutput: string, pids: Set<number>): { seen: string[]; outside: string[] } {
  const seen: string[] = [];
  const outside: string[] = [];
  for (const line of ssOutput.split('\n').filter(Boolean)) {
    const local = line.trim().split(/\s+/)[3] ?? '';
    const address = local.slice(0, local.lastIndexOf(':')).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    for (const m of line.matchAll(/\("([^"]+)",pid=(\d+)/g)) {
      if (!pids.has(Number(m[2]))) continue;
      seen.push(m[1]!);
      if (!isLoopback(address)) outside.push(`${m[1]} (pid ${m[2]}) listens on ${proto} ${local}`);
    }
  }
  return { seen, outside };
}

test('nothing the cluster started listens beyond loopback', async () => {
  // The parser itself: every form of "all addresses" counts as outside.
  const sample = [
    'LISTEN 0 4096 127.0.0.1:6443 0.0.0.0:* users:(("kube-apiserver",pid=7,fd=3))',
    'LISTEN 0 4096 [::1]:6444 [::]:* users:(("a",pid=7,fd=4))',
    'LISTEN 0 4096 0.0.0.0:80 0.0.0.0:* users:(("b",pid=7,fd=5))',
    'LISTEN 0 4096 *:81 *:* users:(("c",pid=7,fd=6))',
    'LISTEN 0 4096 [::]:82 [::]:* users:(("d",pid=7,fd=7),("e",pid=8,fd=7))',
    'LISTEN 0 4096 0.0.0.0:83 0.0.0.0:* users:(("other",pid=9,fd=3))',
  ].join('\n');
  assert.equal(listeners('tcp', sample, new Set([7, 8])).outside, [
    'b (pid 7) listens on tcp 0.0.0.0:80',
    'c (pid 7) listens on tcp *:81',
    'd (pid 7) listens on tcp [::]:82',
    'e (pid 8) listens on tcp [::]:82',
  ]);

  const ours = clusterPids();
  const tcp = await run('ss', ['-Hltnp']);
  const udp = await run('ss', ['-Hlunp']);
  assert.is(tcp.code, 0, tcp.stderr);
  assert.is(udp.code, 0, udp.stderr);
  const found = [listeners('tcp', tcp.stdout, ours), listeners('udp', udp.stdout, ours)];
  const outside = found.flatMap((f) => f.outside);
  const seen = new Set(found.flatMap((f) => f.seen));
  assert.equal(outside, [], outside.join('; '));
  // The check saw the cluster's own servers (ss shortens names to 15 characters).
  for (const name of ['etcd', 'kube-apiserver', 'kube-controller', 'kube-scheduler', 'kubelet', 'cri-dockerd']) {
    assert.ok(seen.has(name), `no listener of ${name} found (seen: ${[...seen].join(', ')})`);
  }
});

test('a Deployment becomes available (scheduler and controller-manager at work)', async () => {
  await withNamespace('cluster-test-deploy', async (ns) => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sleeper', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'sleeper' } },
        template: {
          metadata: { labels: { app: 'sleeper' } },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'sleep', image: busybox, command: ['sleep', '3600'] }],
          },
        },
      },
    };
    await kubectlOk(['create', '-f', '-'], JSON.stringify(deployment));
    await waitFor('the Deployment to become available', 120_000, async () => {
      const d = JSON.parse(await kubectlOk(['-n', ns, 'get', 'deployment', 'sleeper', '-o', 'json']));
      return d.status.availableReplicas === 1;
    });
    const pods = JSON.parse(await kubectlOk(['-n', ns, 'get', 'pods', '-l', 'app=sleeper', '-o', 'json']));
    assert.is(pods.items.length, 1);
    assert.is(pods.items[0].spec.nodeName, '127.0.0.1', 'placed by the scheduler');
    assert.ok(pods.items[0].metadata.ownerReferences?.[0]?.kind === 'ReplicaSet', 'made by the ReplicaSet controller');
  });
});

test('the local images are in Docker', async () => {
  for (const image of ['registry.k8s.io/pause:3.10', busybox, 'kubectl-debug/tools:1']) {
    const r = await run('docker', ['image', 'inspect', '-f', '{{.Id}}', image]);
    assert.is(r.code, 0, `${image}: ${r.stderr.trim()}`);
  }
});

test('a deleted pod leaves no container in Docker', async () => {
  const uid = deletedPodUid;
  assert.ok(uid, 'the pod test did not get to delete its pod');
  await waitFor('the pod containers to leave Docker', 120_000, async () => {
    const r = await run('docker', ['ps', '-aq', '--filter', `label=io.kubernetes.pod.uid=${uid}`]);
    return r.code === 0 && r.stdout.trim() === '';
  });
});

test.run();
