// How the CLI reaches a session's agent: straight to the address in the
// session's status, or, when that address is not reachable from this machine
// (the seed's most reported problem) or --port-forward asks for it, through
// the API server's port-forward to the agent pod of the session's node.
// Either way the TLS identity is the pinned fingerprint, so the path changes
// nothing about whom we trust.

import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { CertificateMismatchError, pinTLS } from '../attach/pinned-tls.ts';
import type { KubeClient } from '../kube/client.ts';
import { findAgentPod } from './agent-pod.ts';
import { UserError } from './errors.ts';
import { portForward } from './port-forward.ts';

/** Errors that mean "this address is not reachable from here", worth the detour. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);
export const DIRECT_CONNECT_TIMEOUT_MS = 3000;

export interface AgentTarget {
  /** attachURL from the session; only its host and port are used here. */
  url: string;
  certificateSHA256: string;
  /** Node of the session, to find its agent pod. */
  node?: string;
}

export interface RouteOptions {
  portForward: boolean;
  /** -v: one line saying which path was taken. */
  log: (line: string) => void;
  connectTimeoutMs?: number;
}

export async function connectAgent(kube: KubeClient, target: AgentTarget, opts: RouteOptions): Promise<TLSSocket> {
  const url = new URL(target.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || 443;
  let reason = '--port-forward';
  if (!opts.portForward) {
    try {
      const socket = await tcpConnect(host, port, opts.connectTimeoutMs ?? DIRECT_CONNECT_TIMEOUT_MS);
      opts.log(`Connected to the agent directly at ${url.host}`);
      return await pinTLS(socket, { certificateSHA256: target.certificateSHA256, host });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!UNREACHABLE.has(code)) throw err;
      reason = `${url.host} is not reachable from here (${code})`;
    }
  }
  // A tunnel can break while being set up (an agent pod replaced mid-way);
  // a fresh one is tried, but never after a certificate mismatch.
  for (let attempt = 1; ; attempt++) {
    const tunnel = await throughApiServer(kube, target.node, port, reason, opts.log);
    try {
      return await pinTLS(tunnel, { certificateSHA256: target.certificateSHA256, host });
    } catch (err) {
      tunnel.destroy();
      if (err instanceof CertificateMismatchError || attempt >= PORT_FORWARD_ATTEMPTS) throw err;
      opts.log(`The port-forward tunnel failed (${(err as Error).message.trim()}); opening a new one`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

const PORT_FORWARD_ATTEMPTS = 3;

async function throughApiServer(kube: KubeClient, node: string | undefined, port: number, reason: string, log: (line: string) => void): Promise<Duplex> {
  if (!node) throw new UserError(`cannot reach the agent: ${reason}, and the session does not name its node yet`);
  const pod = await findAgentPod(kube, node);
  if (!pod) {
    throw new UserError(
      `cannot reach the agent: ${reason}, and no agent pod (label app.kubernetes.io/name=kubectl-debug-agent) runs on node ${node} ` +
        'to port-forward to; the agent may run as a host process, whose address must then be reachable from this machine',
    );
  }
  log(`Reaching the agent through the API server: ${reason}; port-forward to pod ${pod.namespace}/${pod.name} port ${port}`);
  return portForward(kube, pod.namespace, pod.name, port);
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
