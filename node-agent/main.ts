// The node agent: the one file with side effects. It reads the flags, builds
// every part with its dependencies, starts them, and on SIGTERM stops
// accepting work and exits, leaving the debug containers running for the
// next agent to adopt.

import { KubeClient } from '../kube/client.ts';
import { loadCredentials } from '../kube/kubeconfig.ts';
import { parseYamlOnDemand } from '../kube/yaml-on-demand.ts';
import { createLogger } from '../log/logger.ts';
import { WorkQueue } from '../kube/workqueue.ts';
import { HelpRequested, parseAgentFlags, USAGE, UsageError, type AgentConfig } from './agent-flags.ts';
import { CONTAINER_NODE_LABEL, sessionKeyOfLabels } from './container-spec.ts';
import { ContainerEvents } from './docker/container-events.ts';
import { DockerEngine } from './docker/engine.ts';
import { AttachServer } from './endpoint/attach-server.ts';
import { attachURL, endpointURL } from './endpoint/session-paths.ts';
import { loadOrCreateTlsIdentity } from './endpoint/tls-identity.ts';
import { UsedSecretsFile } from './endpoint/used-secrets.ts';
import { IdleCollector } from './idle-collector.ts';
import { LeaseHeartbeat } from './lease-heartbeat.ts';
import { sweepNode } from './node-sweep.ts';
import { SessionCache } from './session-cache.ts';
import { SessionReconciler } from './session-reconciler.ts';
import { SessionSlots } from './session-slots.ts';
import { StateDir } from './state-dir.ts';
import { Terminals } from './terminal/terminals.ts';

const SWEEP_INTERVAL_MS = 30_000;
const RESYNC_MS = 60_000;
const IDLE_COLLECT_MS = 2 * 60_000;
const PULL_TIMEOUT_MS = 10 * 60_000;
/** A client attaching this long after a command ended still gets its output and exit status. */
const TERMINAL_GRACE_MS = 10 * 60_000;
// A client more than 1 MiB behind holds its session's output back until it is
// down to 256 KiB; 16 MiB queued can only be a broken one (the stream pauses
// long before). A pong must come within 20 s, behind whatever is queued.
const CLIENT_LIMITS = { highWaterBytes: 1 << 20, lowWaterBytes: 256 << 10, maxBufferedBytes: 16 << 20, pingIntervalMs: 20_000 };

async function main(config: AgentConfig): Promise<void> {
  const clock = () => new Date();
  const log = createLogger({ component: 'node-agent', node: config.nodeName });
  const state = new StateDir(config.stateDir);
  state.create();
  const tls = loadOrCreateTlsIdentity(state.tlsDir, `kubectl-debug-agent.${config.nodeName}`, [config.advertiseAddress, config.listenHost]);
  const kube = new KubeClient(await loadCredentials({ kubeconfig: config.kubeconfig }, parseYamlOnDemand));
  const docker = new DockerEngine(config.dockerSocket);
  // Not fatal: the agent keeps retrying, as it does when the daemon restarts later.
  await docker.ping().catch((err) => log.warn({ err, socket: config.dockerSocket }, 'Docker is not reachable yet; retrying in the background'));
  const usedSecrets = new UsedSecretsFile(state.usedSecretsFile);
  const sessions = new SessionCache(kube, config.nodeName, config.namespaces, RESYNC_MS, (err) =>
    log.warn({ err }, 'Lost DebugSession watch; relisting'),
  );

  let queue: WorkQueue | undefined;
  const enqueue = (key: string) => queue?.add(key);
  const terminals = new Terminals({ docker, state, maxFileBytes: config.recordingMaxBytes, clock, log, onChange: enqueue });
  const server = new AttachServer({
    tls,
    cachedSession: (ns, name) => sessions.get(`${ns}/${name}`),
    freshSession: (ns, name) => sessions.fresh(ns, name),
    terminal: (s) => terminals.get(s.metadata.uid!),
    whenTerminalOpen: (s, timeoutMs) => terminals.whenOpen(s.metadata.uid!, timeoutMs),
    recordingPath: (s) => state.recordingPath(s.metadata),
    outputLogPath: (s) => state.outputLogPath(s.metadata),
    usedSecrets,
    limits: CLIENT_LIMITS,
    clock,
    log,
  });
  const port = await server.listen(config.listenHost, config.listenPort);

  const slots = new SessionSlots(config.maxSessions);
  const reconciler = new SessionReconciler({
    node: config.nodeName,
    kube,
    docker,
    defaultImage: config.defaultImage,
    pullTimeoutMs: PULL_TIMEOUT_MS,
    sessions,
    terminals,
    slots,
    state,
    endpoint: (s) => ({ attachURL: attachURL(config.advertiseAddress, port, s.metadata.namespace!, s.metadata.name!), certificateSHA256: tls.sha256 }),
    clock,
    log,
  });
  queue = new WorkQueue((key) => reconciler.reconcile(key), {
    concurrency: 4,
    maxBackoffMs: 30_000,
    onError: (key, err, retryInMs) => log.warn({ session: key, err, retryInMs }, 'Failed to reconcile session'),
  });

  const lease = new LeaseHeartbeat({
    kube, namespace: config.leaseNamespace, node: config.nodeName, endpoint: endpointURL(config.advertiseAddress, port), clock, log,
    checkHealth: () => docker.ping(),
  });
  lease.start();
  sessions.onChange(enqueue);
  sessions.onChange(() => server.warmUp());
  sessions.start();
  await sessions.synced();

  const sweep = () =>
    sweepNode({
      node: config.nodeName, docker, sessions, enqueue, terminals, usedSecrets, state, clock, log,
      terminalGraceMs: TERMINAL_GRACE_MS, recordingRetentionMs: config.recordingRetentionHours * 3_600_000,
    }).catch((err) => log.warn({ err }, 'Failed to sweep the node'));
  const events = new ContainerEvents({
    docker,
    labels: [`${CONTAINER_NODE_LABEL}=${config.nodeName}`],
    onEvent: (e) => {
      const key = sessionKeyOfLabels(e.Actor.Attributes);
      if (key && ['die', 'destroy', 'start', 'oom'].includes(e.Action)) enqueue(key);
    },
    onConnected: () => void sweep(),
    log,
  });
  events.start();
  const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
  const idleCollector = new IdleCollector(() => slots.used === 0, IDLE_COLLECT_MS);
  idleCollector.start();
  log.info(
    { endpoint: endpointURL(config.advertiseAddress, port), certificateSHA256: tls.sha256, namespaces: config.namespaces.join(',') || '*' },
    'Started node agent',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Stopping node agent; debug containers keep running');
    clearInterval(sweepTimer);
    idleCollector.stop();
    lease.stop();
    events.stop();
    sessions.stop();
    queue!.stop();
    await server.close();
    await terminals.disposeAll();
    kube.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

let config: AgentConfig;
try {
  config = parseAgentFlags(process.argv.slice(2));
} catch (err) {
  if (err instanceof HelpRequested) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`node-agent: ${err.message}\n${USAGE}\n`);
  process.exit(2);
}
main(config).catch((err) => {
  createLogger({ component: 'node-agent' }).error({ err }, 'Node agent failed to start');
  process.exit(1);
});
