// kubectl's global flags, which every command takes, and the config file
// they may point at. Options have no yargs defaults on purpose: "not given"
// must stay distinguishable from "given as the default" for the config file
// to sit between flags and built-in defaults.

import type { Argv } from 'yargs';
import { defaultConfigPath, loadConfig, type DebugConfig } from './config.ts';
import type { CommonFlags } from './options.ts';

export function globalFlags<T>(y: Argv<T>) {
  return y
    .option('kubeconfig', { type: 'string', describe: 'Path to the kubeconfig file', group: 'Global flags:' })
    .option('context', { type: 'string', describe: 'The kubeconfig context to use', group: 'Global flags:' })
    .option('namespace', { alias: 'n', type: 'string', describe: 'Namespace (default: the config file\'s, else the context\'s)', group: 'Global flags:' })
    .option('config', {
      type: 'string',
      describe: 'Config file (default: $KUBECTL_DEBUG_CONFIG or ~/.kube/debug-config)',
      group: 'Global flags:',
    })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Say what happens, e.g. which path reaches the agent', group: 'Global flags:' });
}

/** Loads the config file the flags name, printing its warnings on stderr. */
export function readConfig(flags: CommonFlags, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): DebugConfig {
  const explicit = flags.config !== undefined;
  const { config, warnings } = loadConfig(flags.config ?? defaultConfigPath(), explicit);
  for (const w of warnings) write(`warning: ${w}`);
  return config;
}
