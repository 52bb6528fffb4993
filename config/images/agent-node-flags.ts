// Reads config/images/agent.node-flags: the V8 flags every start of the node
// agent passes to node, so tests and benchmarks run the agent as it ships.

import { readFileSync } from 'node:fs';

export function agentNodeFlags(file = new URL('./agent.node-flags', import.meta.url)): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .flatMap((line) => line.split(/\s+/))
    .filter(Boolean);
}
