// GET of a session's recording or logs from its agent, with the same route
// and the same pinned TLS and one-time secret as attach. Loaded lazily.

import type { IncomingMessage } from 'node:http';
import { AgentRefusedError, agentGet } from '../attach/client.ts';
import type { DebugSession } from '../crds/types.ts';
import type { KubeClient } from '../kube/client.ts';
import { connectAgent } from './agent-route.ts';
import { UserError } from './errors.ts';

export type AgentResource = 'recording' | 'logs';

/** https://<agent>/sessions/<ns>/<name>/<what>, on the host and port the session's attachURL names. */
export function agentResourceURL(session: DebugSession, what: AgentResource): string | undefined {
  const base = session.status?.runtime?.attachURL ?? session.status?.agent?.endpoint;
  if (!base) return undefined;
  const { host } = new URL(base);
  const { namespace, name } = session.metadata;
  return `https://${host}/sessions/${encodeURIComponent(namespace!)}/${encodeURIComponent(name!)}/${what}`;
}

export async function fetchFromAgent(
  kube: KubeClient,
  session: DebugSession,
  what: AgentResource,
  token: string,
  opts: { portForward: boolean; log: (line: string) => void },
): Promise<IncomingMessage> {
  const url = agentResourceURL(session, what);
  const certificateSHA256 = session.status?.runtime?.certificateSHA256;
  if (!url || !certificateSHA256) {
    throw new UserError(`debug session ${session.metadata.name} has no agent endpoint in its status yet (phase ${session.status?.phase ?? 'Pending'})`);
  }
  const target = { url, certificateSHA256, node: session.status?.target?.nodeName };
  for (let attempt = 1; ; attempt++) {
    const socket = await connectAgent(kube, target, opts);
    try {
      return await agentGet(socket, url, token);
    } catch (err) {
      socket.destroy();
      if (!(err instanceof AgentRefusedError)) throw err;
      // A just-patched secret may not have reached the agent's cache yet.
      if (![401, 403].includes(err.statusCode) || attempt === 4) throw new UserError(err.message);
      opts.log(`The agent answered HTTP ${err.statusCode}; retrying`);
      await new Promise((r) => setTimeout(r, 400 * attempt));
    }
  }
}
