// The agent's command line, parsed and checked into one plain object.
// Every default lives here, next to the flag it belongs to.

import { parseArgs } from 'node:util';

export interface AgentConfig {
  nodeName: string;
  kubeconfig?: string;
  leaseNamespace: string;
  /** Empty: every namespace. */
  namespaces: string[];
  listenHost: string;
  listenPort: number;
  /** Address put in the Lease endpoint and in attach URLs. */
  advertiseAddress: string;
  stateDir: string;
  defaultImage: string;
  maxSessions: number;
  dockerSocket: string;
  recordingMaxBytes: number;
  recordingRetentionHours: number;
}

export const USAGE = `usage: node-agent --node-name NAME [options]
  --node-name NAME                 node this agent serves (required)
  --kubeconfig FILE                default: $KUBECONFIG, ~/.kube/config, or the pod's service account
  --lease-namespace NS             default: kubectl-debug-system
  --namespaces A,B                 watch only these namespaces; default: all
  --listen HOST:PORT               attach endpoint; default: 127.0.0.1:10027
  --advertise-address ADDR         address clients reach the endpoint at; default: the --listen host
  --state-dir DIR                  TLS identity, recordings, output logs; default: /var/lib/kubectl-debug
  --default-image IMAGE            debug image when a session names none; default: kubectl-debug/tools:1
  --max-sessions N                 debug containers at once on this node; default: 16
  --docker-socket PATH             default: /var/run/docker.sock
  --recording-max-bytes N          limit of each recording and output log; default: 10485760
  --recording-retention-hours N    how long recordings stay on the node; default: 72`;

export class UsageError extends Error {}

/** Thrown for --help: not an error, the caller prints USAGE and exits 0. */
export class HelpRequested extends Error {}

export function parseAgentFlags(argv: string[]): AgentConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        'node-name': { type: 'string' },
        kubeconfig: { type: 'string' },
        'lease-namespace': { type: 'string', default: 'kubectl-debug-system' },
        namespaces: { type: 'string', default: '' },
        listen: { type: 'string', default: '127.0.0.1:10027' },
        'advertise-address': { type: 'string' },
        'state-dir': { type: 'string', default: '/var/lib/kubectl-debug' },
        'default-image': { type: 'string', default: 'kubectl-debug/tools:1' },
        'max-sessions': { type: 'string', default: '16' },
        'docker-socket': { type: 'string', default: '/var/run/docker.sock' },
        'recording-max-bytes': { type: 'string', default: String(10 * 1024 * 1024) },
        'recording-retention-hours': { type: 'string', default: '72' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) throw new HelpRequested();
  const nodeName = values['node-name'];
  if (!nodeName) throw new UsageError('--node-name is required');
  const { host: listenHost, port: listenPort } = hostAndPort(values.listen);
  return {
    nodeName,
    kubeconfig: values.kubeconfig,
    leaseNamespace: values['lease-namespace'],
    namespaces: values.namespaces.split(',').map((n) => n.trim()).filter(Boolean),
    listenHost,
    listenPort,
    advertiseAddress: values['advertise-address'] || listenHost,
    stateDir: values['state-dir'],
    defaultImage: values['default-image'],
    maxSessions: positiveInteger('--max-sessions', values['max-sessions']),
    dockerSocket: values['docker-socket'],
    recordingMaxBytes: positiveInteger('--recording-max-bytes', values['recording-max-bytes']),
    recordingRetentionHours: positiveNumber('--recording-retention-hours', values['recording-retention-hours']),
  };
}

/** `host:port` or `[v6]:port`; port 0 asks the system for a free one (tests). */
function hostAndPort(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  if (!match) throw new UsageError(`--listen must be HOST:PORT, got "${listen}"`);
  const port = Number(match[3]);
  if (port > 65535) throw new UsageError(`--listen port ${port} is not a TCP port`);
  return { host: (match[1] ?? match[2])!, port };
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}
