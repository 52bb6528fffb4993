// Nodes that exist only as API objects, for the operator's scale benchmark:
// Node objects nobody runs, one pod bound to each whose status the benchmark
// writes as a kubelet would, and an agent registration per node written and
// renewed exactly as a real agent does (node-agent/lease-heartbeat.ts). The
// addresses are 127/8 and only ever written into objects: nobody connects.
// Everything carries SIMULATED_LABEL=<namespace>; what a killed run left
// goes with `kubectl delete nodes -l bench.kubectl-debug.dev/simulated`.

import { randomBytes } from 'node:crypto';
import { AGENT_LEASE_RENEW_MS, agentLeaseName, leasesPath } from '../../kube/agent-lease.ts';
import { isConflict, PATCH, type KubeClient } from '../../kube/client.ts';
import type { Lease } from '../../kube/objects.ts';
import { endpointURL } from '../../node-agent/endpoint/session-paths.ts';
import { desiredLease } from '../../node-agent/lease-heartbeat.ts';
import { waitFor } from '../kubectl.ts';
import { inParallel } from './in-parallel.ts';
import { BUSYBOX } from './scoped-stack.ts';

export const SIMULATED_LABEL = 'bench.kubectl-debug.dev/simulated';
/** The port a real agent serves attach on; it goes into the endpoint annotation only. */
const AGENT_PORT = 10027;

export interface SimulatedNode {
  name: string;
  /** 127.1.x.y: the node's InternalIP and its pod's hostIP. */
  ip: string;
  /** The one pod bound to this node, in the benchmark's namespace. */
  pod: string;
  /** The agent Lease as last written, so a renewal needs no read first. */
  lease?: Lease;
}

export class SimulatedNodes {
  readonly nodes: SimulatedNode[];
  private heartbeat?: NodeJS.Timeout;
  private renewing = false;

  constructor(
    private readonly kube: KubeClient,
    private readonly ns: string,
    count: number,
    private readonly parallel: number,
    private readonly log: (line: string) => void,
  ) {
    this.nodes = Array.from({ length: count }, (_, n) => ({
      name: `${ns}-sim-${n}`, ip: `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`, pod: `sim-${n}`,
    }));
  }

  /** Creates each node, its running pod and its agent registration, and renews the registrations from then on. */
  async create(): Promise<void> {
    await inParallel(this.nodes, this.parallel, async (node) => {
      await this.createNode(node);
      await this.createRunningPod(node);
      await this.register(node);
    });
    this.heartbeat = setInterval(() => void this.renewAll(), AGENT_LEASE_RENEW_MS);
  }

  private get labels() {
    return { [SIMULATED_LABEL]: this.ns };
  }

  // No Ready condition, ever: the node lifecycle controller then marks the
  // node Unknown and taints it NoExecute after its start-up grace, but marks
  // pods NotReady only when a Ready node stops being Ready, so it never
  // touches the pods (which would re-enqueue sessions mid-measurement).
  // Unschedulable and a NoSchedule taint keep the scheduler and DaemonSets away.
  private async createNode(node: SimulatedNode): Promise<void> {
    await this.kube.request('POST', '/api/v1/nodes', {
      body: {
        apiVersion: 'v1', kind: 'Node',
        metadata: { name: node.name, labels: this.labels },
        spec: { unschedulable: true, taints: [{ key: SIMULATED_LABEL, value: this.ns, effect: 'NoSchedule' }] },
        // A create keeps a Node's status (the kubelet registers this way).
        status: { addresses: [{ type: 'InternalIP', address: node.ip }, { type: 'Hostname', address: node.name }] },
      },
    });
  }

  /** Bound with spec.nodeName (no scheduler), then given the status a kubelet running its container would write. */
  private async createRunningPod(node: SimulatedNode): Promise<void> {
    const podsPath = `/api/v1/namespaces/${this.ns}/pods`;
    await this.kube.request('POST', podsPath, {
      body: {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: node.pod, labels: this.labels },
        spec: {
          nodeName: node.name, terminationGracePeriodSeconds: 0,
          containers: [{ name: 'app', image: BUSYBOX, imagePullPolicy: 'Never' }],
          // Without a bound, unlike the 300 s the API server adds: the node never becomes reachable.
          tolerations: ['unreachable', 'not-ready'].map((t) => ({ key: `node.kubernetes.io/${t}`, operator: 'Exists', effect: 'NoExecute' })),
        },
      },
    });
    const now = new Date().toISOString();
    await this.kube.request('PATCH', `${podsPath}/${node.pod}/status`, {
      contentType: PATCH.merge,
      body: {
        status: {
          phase: 'Running', hostIP: node.ip, hostIPs: [{ ip: node.ip }], startTime: now,
          conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
          containerStatuses: [{
            name: 'app', ready: true, started: true, restartCount: 0, image: BUSYBOX, imageID: `docker-pullable://${BUSYBOX}`,
            containerID: `docker://${randomBytes(32).toString('hex')}`, state: { running: { startedAt: now } },
          }],
        },
      },
    });
  }

  /** Creates or renews the node's agent Lease with the agent's own desiredLease. */
  private async register(node: SimulatedNode): Promise<void> {
    const lease = desiredLease(node.name, endpointURL(node.ip, AGENT_PORT), new Date(), node.lease);
    lease.metadata.labels = { ...lease.metadata.labels, ...this.labels };
    const path = leasesPath(this.ns);
    node.lease = node.lease
      ? await this.kube.request<Lease>('PUT', `${path}/${agentLeaseName(node.name)}`, { body: lease })
      : await this.kube.request<Lease>('POST', path, { body: lease });
  }

  private async renewAll(): Promise<void> {
    if (this.renewing) return; // the previous beat is still at work: the API server is that slow
    this.renewing = true;
    await inParallel(this.nodes.filter((n) => n.lease), this.parallel, async (node) => {
      try {
        await this.register(node);
      } catch (err) {
        this.log(`  renewing the agent Lease of ${node.name} failed: ${(err as Error).message}`);
        // As the agent does: a conflict is left to the next beat, which then writes over what it reads now.
        if (isConflict(err)) node.lease = await this.kube.request<Lease>('GET', `${leasesPath(this.ns)}/${agentLeaseName(node.name)}`).catch(() => node.lease);
      }
    });
    this.renewing = false;
  }

  /** Force-deletes the pods (no kubelet will ever confirm), then the Leases and the nodes, whatever create() got to; waits until all are gone. */
  async remove(): Promise<void> {
    clearInterval(this.heartbeat);
    const selector = `${SIMULATED_LABEL}=${this.ns}`;
    const collections = [`/api/v1/namespaces/${this.ns}/pods`, leasesPath(this.ns), '/api/v1/nodes'];
    for (const path of collections) {
      await this.kube.request('DELETE', path, { query: { labelSelector: selector, gracePeriodSeconds: 0 } });
      await waitFor(async () => (await this.kube.request('GET', path, { query: { labelSelector: selector, limit: 1 } })).items.length === 0, 120_000, `simulated ${path} to go`);
    }
  }
}
