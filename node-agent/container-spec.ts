// What the debug container of one session looks like to Docker: a pure
// function of the session, the target and the agent's defaults, so every
// choice below is a unit test (container-spec.test.ts).

import { NODE_LABEL, GROUP, type DebugSession } from '../crds/types.ts';
import type { ContainerCreateSpec } from './docker/engine.ts';

export const SESSION_UID_LABEL = `${GROUP}/session-uid`;
/** `<namespace>.<name>`: a namespace has no dots, so the first dot splits it. */
export const SESSION_LABEL = `${GROUP}/session`;
export const CONTAINER_NODE_LABEL = NODE_LABEL;

const NAME_PREFIX = 'kubectl-debug-';

/** Derived from the session UID, so a restarted agent finds the container again. */
export const containerName = (sessionUID: string) => `${NAME_PREFIX}${sessionUID}`;

export const sessionLabelValue = (namespace: string, name: string) => `${namespace}.${name}`;

/** The session key (`namespace/name`) a container belongs to, from its labels. */
export function sessionKeyOfLabels(labels: Record<string, string> | undefined): string | undefined {
  const value = labels?.[SESSION_LABEL];
  const dot = value?.indexOf('.') ?? -1;
  if (!value || dot <= 0) return undefined;
  return `${value.slice(0, dot)}/${value.slice(dot + 1)}`;
}

/** Prefers bash, falls back to sh, so any image with a shell works without naming one. */
export const DEFAULT_COMMAND = ['sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh'];

/**
 * Beyond Docker's defaults, what debugging needs:
 * SYS_PTRACE to read other processes' /proc entries and run strace and gdb
 * on them; NET_ADMIN and NET_RAW for tcpdump, ping and changing the pod's
 * routes or firewall while investigating; SYS_ADMIN for nsenter into the
 * target's mount namespace and for perf.
 */
export const DEBUG_CAPABILITIES = ['SYS_PTRACE', 'NET_ADMIN', 'NET_RAW', 'SYS_ADMIN'];

export interface ContainerInputs {
  session: DebugSession;
  node: string;
  /** Docker ID of the container being debugged. */
  targetContainerID: string;
  /** Docker ID of the pod's sandbox (pause) container, the one that holds the pod's IPC namespace. */
  sandboxID: string;
  image: string;
}

export function debugContainerSpec(inputs: ContainerInputs): { name: string; spec: ContainerCreateSpec } {
  const { session, node, targetContainerID, sandboxID, image } = inputs;
  const { uid, namespace, name } = session.metadata;
  const tty = session.spec.tty ?? false;
  const stdin = session.spec.stdin ?? false;
  return {
    name: containerName(uid!),
    spec: {
      Image: image,
      Entrypoint: session.spec.command?.length ? session.spec.command : DEFAULT_COMMAND,
      Cmd: session.spec.args ?? [],
      Env: [],
      Tty: tty,
      OpenStdin: stdin,
      // Without a TTY the only way to give the command end-of-file (`cmd < file`)
      // is Docker closing its stdin when an attach's stdin ends, which it does
      // only with StdinOnce. With a TTY end-of-file is ^D, and StdinOnce stays
      // off so that the agent's own restart never closes the shell's stdin.
      StdinOnce: stdin && !tty,
      AttachStdin: stdin,
      AttachStdout: true,
      AttachStderr: true,
      Labels: {
        [SESSION_UID_LABEL]: uid!,
        [SESSION_LABEL]: sessionLabelValue(namespace!, name!),
        [CONTAINER_NODE_LABEL]: node,
      },
      HostConfig: {
        // The target's PID and network namespaces: its processes and its sockets.
        PidMode: `container:${targetContainerID}`,
        NetworkMode: `container:${targetContainerID}`,
        // Docker lets a container join only a "shareable" IPC namespace; the
        // kubelet makes the pod sandbox's shareable and the pod's containers join it.
        IpcMode: `container:${sandboxID}`,
        CapAdd: DEBUG_CAPABILITIES,
        // The agent removes the container itself, after reading its exit code.
        AutoRemove: false,
        // The agent keeps the output itself (output log, recording, both bounded)
        // from its attach stream. A second copy in Docker's json-file log would be
        // unbounded, on the node's disk outside the agent's retention, and cost
        // CPU: 64 MiB of output took 3.0 s with it and 0.6 s without.
        LogConfig: { Type: 'none', Config: {} },
      },
    },
  };
}
