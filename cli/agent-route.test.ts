// Reaching the agent: directly, or through a fake API server's
// pods/portforward (WebSocket, v4.channel.k8s.io) when the address is not
// reachable. Everything listens on 127.0.0.1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { agentGet } from '../attach/client.ts';
import { certificateSHA256 } from '../attach/pinned-tls.ts';
import { KubeClient } from '../kube/client.ts';
import { connectAgent } from './agent-route.ts';

function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'dbg-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  return { key: readFileSync(join(dir, 'key.pem')), cert, sha256: certificateSHA256(new X509Certificate(cert).raw) };
}

const listen = (server: net.Server) => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));

// The agent: HTTPS that answers every GET.
const agentId = selfSigned();
const agent = https.createServer({ key: agentId.key, cert: agentId.cert }, (_req, res) => res.end('agent says hi'));
const agentPort = await listen(agent);

// A port nobody listens on: connecting to it is refused at once.
const closed = net.createServer();
const closedPort = await listen(closed);
closed.close();

// The API server: lists agent pods and tunnels port-forwards to the agent.
let agentPods: object[] = [];
let forwardError: string | undefined;
const forwarded: string[] = [];
/** Inside the agent pod's network namespace, this port is where the agent listens (here: on our agent). */
const podPorts = new Map<number, number>();
const apiId = selfSigned();
const api = https.createServer({ key: apiId.key, cert: apiId.cert }, (req, res) => {
  const url = new URL(req.url!, 'https://x');
  if (url.pathname === '/api/v1/pods') {
    assert.is(url.searchParams.get('labelSelector'), 'app.kubernetes.io/name=kubectl-debug-agent');
    assert.is(url.searchParams.get('fieldSelector'), 'spec.nodeName=node-1');
    return void res.end(JSON.stringify({ items: agentPods }));
  }
  res.writeHead(404).end('{}');
});
const wss = new WebSocketServer({ server: api, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
wss.on('connection', (ws, req) => {
  const url = new URL(req.url!, 'https://x');
  forwarded.push(`${url.pathname}?ports=${url.searchParams.get('ports')}`);
  const portPrefix = Buffer.alloc(2);
  portPrefix.writeUInt16LE(Number(url.searchParams.get('ports')));
  ws.send(Buffer.concat([Buffer.of(0), portPrefix]));
  ws.send(Buffer.concat([Buffer.of(1), portPrefix]));
  if (forwardError) return void ws.send(Buffer.concat([Buffer.of(1), Buffer.from(forwardError)]));
  const podPort = Number(url.searchParams.get('ports'));
  const tcp = net.connect(podPorts.get(podPort) ?? podPort, '127.0.0.1');
  tcp.on('data', (d) => ws.send(Buffer.concat([Buffer.of(0), d])));
  tcp.on('close', () => ws.close());
  tcp.on('error', () => ws.close());
  ws.on('message', (d: Buffer) => d[0] === 0 && tcp.write(d.subarray(1)));
  ws.on('close', () => tcp.destroy());
});
const apiPort = await listen(api);
const kube = new KubeClient({ server: `https://127.0.0.1:${apiPort}`, insecureSkipTLSVerify: true, namespace: 'default', user: 'test' });

const runningAgentPod = { metadata: { name: 'agent-x', namespace: 'kubectl-debug-system' }, status: { phase: 'Running' } };

async function get(port: number, portForward: boolean) {
  const lines: string[] = [];
  const socket = await connectAgent(
    kube,
    { url: `wss://127.0.0.1:${port}/sessions/ns/s/attach`, certificateSHA256: agentId.sha256, node: 'node-1' },
    { portForward, log: (l) => lines.push(l) },
  );
  const res = await agentGet(socket, `https://127.0.0.1:${port}/sessions/ns/s/logs`, 'secret');
  let body = '';
  for await (const c of res) body += c;
  return { body, lines };
}

test('a reachable agent is reached directly, and -v says so', async () => {
  forwarded.length = 0;
  const { body, lines } = await get(agentPort, false);
  assert.is(body, 'agent says hi');
  assert.equal(lines, [`Connected to the agent directly at 127.0.0.1:${agentPort}`]);
  assert.equal(forwarded, []);
});

test('--port-forward goes through the API server to the agent pod of the node', async () => {
  agentPods = [runningAgentPod];
  forwarded.length = 0;
  const { body, lines } = await get(agentPort, true);
  assert.is(body, 'agent says hi');
  assert.equal(forwarded, [`/api/v1/namespaces/kubectl-debug-system/pods/agent-x/portforward?ports=${agentPort}`]);
  assert.match(lines[0]!, /through the API server: --port-forward; port-forward to pod kubectl-debug-system\/agent-x/);
});

test('an address that refuses connections falls back to the API server on its own', async () => {
  agentPods = [runningAgentPod];
  // The node address in the session is unreachable from here; in the pod, that port is the agent.
  podPorts.set(closedPort, agentPort);
  try {
    const { body, lines } = await get(closedPort, false);
    assert.is(body, 'agent says hi');
    assert.match(lines[0]!, new RegExp(`127\\.0\\.0\\.1:${closedPort} is not reachable from here \\(ECONNREFUSED\\); port-forward to pod kubectl-debug-system/agent-x port ${closedPort}`));
  } finally {
    podPorts.clear();
  }
});

test('with no agent pod on the node, the error says the address is unreachable and why there is no detour', async () => {
  agentPods = [];
  try {
    await get(closedPort, false);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /cannot reach the agent: 127\.0\.0\.1:\d+ is not reachable from here \(ECONNREFUSED\), and no agent pod/);
    assert.match((err as Error).message, /runs on node node-1/);
    assert.match((err as Error).message, /host process/);
  }
});

test("an error on the port-forward's error channel ends the connection with its text", async () => {
  agentPods = [runningAgentPod];
  forwardError = 'unable to do port forwarding: socat not found';
  try {
    await get(agentPort, true);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /port-forward through the API server failed: unable to do port forwarding: socat not found/);
  } finally {
    forwardError = undefined;
  }
});

test('a pinned fingerprint that does not match is refused on the tunnelled path too', async () => {
  agentPods = [runningAgentPod];
  try {
    await connectAgent(kube, { url: `wss://127.0.0.1:${agentPort}/x`, certificateSHA256: apiId.sha256, node: 'node-1' }, { portForward: true, log: () => {} });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /does not match the session/);
  }
});

test.after(() => {
  kube.close();
  wss.close();
  api.close();
  agent.close();
});

test.run();
