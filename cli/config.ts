// ~/.kube/debug-config: the user's defaults, below flags and above built-in
// defaults. A missing file must change nothing (the seed flipped defaults when
// its file was absent), a typo must not pass silently (unknown keys are named
// in a warning), and a wrong value must stop with the key and the value.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import type { PullPolicy } from '../crds/types.ts';
import { parseDuration } from './duration.ts';
import { UserError } from './errors.ts';

export interface DebugConfig {
  image?: string;
  /** Default command when none follows `--`, e.g. [bash, -l]. */
  command?: string[];
  namespace?: string;
  deadline?: number;
  idleTimeout?: number;
  timeout?: number;
  keep?: boolean;
  portForward?: boolean;
  imagePullPolicy?: PullPolicy;
}

export interface LoadedConfig {
  config: DebugConfig;
  /** For stderr: unknown keys, ignored keys. */
  warnings: string[];
}

export const PULL_POLICIES: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

/** The earlier tool's key that no longer means anything: the agent's URL comes from the session status. */
const IGNORED_KEYS = ['agent_port'];

type Reader = (value: unknown, key: string) => unknown;

const KEYS: Record<string, [keyof DebugConfig, Reader]> = {
  image: ['image', nonEmptyString],
  command: ['command', stringList],
  namespace: ['namespace', nonEmptyString],
  deadline: ['deadline', duration],
  idle_timeout: ['idleTimeout', duration],
  timeout: ['timeout', duration],
  keep: ['keep', boolean],
  port_forward: ['portForward', boolean],
  image_pull_policy: ['imagePullPolicy', pullPolicy],
};

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env.KUBECTL_DEBUG_CONFIG || join(home, '.kube', 'debug-config');
}

/**
 * Reads the file at `path`. Absent is the same as empty unless the user named
 * the file with --config, where absence is almost certainly a mistake.
 */
export function loadConfig(path: string, explicit = false): LoadedConfig {
  if (!existsSync(path)) {
    if (explicit) throw new UserError(`config file ${path} does not exist`);
    return { config: {}, warnings: [] };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  return parseConfig(text, path);
}

export function parseConfig(text: string, path: string): LoadedConfig {
  // js-yaml 5 refuses a document with nothing in it; for us that is an empty config.
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) return { config: {}, warnings: [] };
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    throw new UserError(`${path} is not valid YAML: ${(err as yaml.YAMLException).reason ?? (err as Error).message}`);
  }
  if (doc === undefined || doc === null) return { config: {}, warnings: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`${path} must be a YAML mapping of key: value`);

  const config: DebugConfig = {};
  const warnings: string[] = [];
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (IGNORED_KEYS.includes(key)) {
      warnings.push(`${path}: ${key} is ignored: the agent's address comes from each session's status`);
      continue;
    }
    const entry = KEYS[key];
    if (!entry) {
      unknown.push(key);
      continue;
    }
    if (value === null) continue; // `key:` with no value is the same as leaving it out
    const [field, read] = entry;
    try {
      (config as Record<string, unknown>)[field] = read(value, key);
    } catch (err) {
      throw new UserError(`${path}: ${(err as Error).message}`);
    }
  }
  if (unknown.length) {
    warnings.push(`${path}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${[...Object.keys(KEYS), ...IGNORED_KEYS].join(', ')})`);
  }
  return { config, warnings };
}

function nonEmptyString(value: unknown, key: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new Error(`${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value.trim();
}

function stringList(value: unknown, key: string): string[] {
  if (typeof value === 'string' && value.trim()) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value;
  throw new Error(`${key} must be a list of strings, e.g. [bash, -l], got ${JSON.stringify(value)}`);
}

function duration(value: unknown, key: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new Error(`${key} must be seconds or a duration like 90s, 15m, 1h, got ${JSON.stringify(value)}`);
  return seconds;
}

function boolean(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`${key} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function pullPolicy(value: unknown, key: string): PullPolicy {
  if (!PULL_POLICIES.includes(value as PullPolicy)) {
    throw new Error(`${key} must be one of ${PULL_POLICIES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as PullPolicy;
}
