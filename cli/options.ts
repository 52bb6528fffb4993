// From parsed flags, the config file and the terminal to what one run does:
// pure, so that the precedence (flags, then file, then defaults) and the
// TTY rules are tested without a cluster or a terminal.

import type { PullPolicy } from '../crds/types.ts';
import { PULL_POLICIES, type DebugConfig } from './config.ts';
import { requireDuration } from './duration.ts';
import { UsageError, UserError } from './errors.ts';

/** Flags every command takes, as yargs hands them over (undefined = not given). */
export interface CommonFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  config?: string;
  verbose?: boolean;
}

export interface DebugFlags extends CommonFlags {
  pod?: string;
  /** Words after `--`. */
  command?: string[];
  container?: string;
  image?: string;
  imagePullPolicy?: string;
  stdin?: boolean;
  tty?: boolean;
  keep?: boolean;
  detach?: boolean;
  deadline?: string;
  idleTimeout?: string;
  timeout?: string;
  portForward?: boolean;
}

export interface TerminalInfo {
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
}

export interface Connection {
  kubeconfig?: string;
  context?: string;
  /** Flag, else config file; undefined lets the kubeconfig context decide. */
  namespace?: string;
  verbose: boolean;
  portForward: boolean;
}

export interface DebugOptions extends Connection {
  pod: string;
  container?: string;
  image?: string;
  imagePullPolicy?: PullPolicy;
  /** Entrypoint and its arguments; empty: the image's shell. */
  command: string[];
  stdin: boolean;
  tty: boolean;
  keep: boolean;
  detach: boolean;
  deadlineSeconds?: number;
  idleTimeoutSeconds?: number;
  /** How long to wait for the session to become ready. */
  timeoutSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 120;
/** The CRD's bounds, checked here so the user gets the flag's name rather than a schema path. */
const DEADLINE_RANGE = [10, 604800] as const;
const IDLE_RANGE = [10, 86400] as const;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function connection(flags: CommonFlags & { portForward?: boolean }, config: DebugConfig): Connection {
  const namespace = flags.namespace ?? config.namespace;
  if (namespace !== undefined && !DNS_LABEL.test(namespace)) throw new UserError(`invalid namespace "${namespace}"`);
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace,
    verbose: flags.verbose ?? false,
    portForward: flags.portForward ?? config.portForward ?? false,
  };
}

export function debugOptions(flags: DebugFlags, config: DebugConfig, terminal: TerminalInfo): DebugOptions {
  const pod = podName(flags.pod);
  const command = flags.command?.length ? flags.command : (config.command ?? []);
  const explicitCommand = Boolean(flags.command?.length);
  // An interactive terminal by default only for the shell at a terminal; a
  // command whose output goes to a pipe gets no TTY, so stdout and stderr stay apart.
  const stdin = flags.stdin ?? terminal.stdinIsTTY;
  const tty = flags.tty ?? (terminal.stdinIsTTY && (!explicitCommand || terminal.stdoutIsTTY));
  if (flags.container !== undefined && !DNS_LABEL.test(flags.container)) throw new UserError(`invalid container name "${flags.container}"`);
  const imagePullPolicy = flags.imagePullPolicy ?? config.imagePullPolicy;
  if (imagePullPolicy !== undefined && !PULL_POLICIES.includes(imagePullPolicy as PullPolicy)) {
    throw new UserError(`invalid --image-pull-policy "${imagePullPolicy}": expected one of ${PULL_POLICIES.join(', ')}`);
  }
  return {
    ...connection(flags, config),
    pod,
    container: flags.container,
    image: flags.image ?? config.image,
    imagePullPolicy: imagePullPolicy as PullPolicy | undefined,
    command,
    stdin,
    tty,
    keep: flags.keep ?? config.keep ?? false,
    detach: flags.detach ?? false,
    deadlineSeconds: bounded(flags.deadline, '--deadline', config.deadline, 'deadline', DEADLINE_RANGE),
    idleTimeoutSeconds: bounded(flags.idleTimeout, '--idle-timeout', config.idleTimeout, 'idle_timeout', IDLE_RANGE),
    timeoutSeconds: waitTimeout(flags.timeout, config),
  };
}

/** How long to wait for a session to become ready: --timeout, then the file's timeout, then 2 minutes. */
export function waitTimeout(flag: string | undefined, config: DebugConfig): number {
  return flag !== undefined ? positive(flag, '--timeout') : (config.timeout ?? DEFAULT_TIMEOUT_SECONDS);
}

/** Accepts `NAME`, `pod/NAME` and `pods/NAME` as kubectl does. */
export function podName(value: string | undefined): string {
  if (!value) throw new UsageError('a pod name is required: kubectl dbg POD');
  const name = value.replace(/^pods?\//, '');
  if (!DNS_SUBDOMAIN.test(name)) throw new UserError(`invalid pod name "${value}"`);
  return name;
}

export function sessionName(value: string | undefined, command: string): string {
  if (!value) throw new UsageError(`a session name is required: kubectl dbg ${command} SESSION`);
  const name = value.replace(/^(debugsessions?|dbg)(\.[a-z0-9.-]+)?\//, '');
  if (!DNS_SUBDOMAIN.test(name)) throw new UserError(`invalid session name "${value}"`);
  return name;
}

function bounded(
  flag: string | undefined,
  flagName: string,
  fromConfig: number | undefined,
  configKey: string,
  [min, max]: readonly [number, number],
): number | undefined {
  const name = flag !== undefined ? flagName : `${configKey} in the config file`;
  const seconds = flag !== undefined ? requireDurationFlag(flag, flagName) : fromConfig;
  if (seconds !== undefined && (seconds < min || seconds > max)) {
    throw new UserError(`${name} must be between ${min} and ${max} seconds, got ${seconds}`);
  }
  return seconds;
}

function positive(flag: string, name: string): number {
  const seconds = requireDurationFlag(flag, name);
  if (seconds <= 0) throw new UserError(`${name} must be more than 0 seconds`);
  return seconds;
}

function requireDurationFlag(value: string, name: string): number {
  try {
    return requireDuration(value, name);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}
