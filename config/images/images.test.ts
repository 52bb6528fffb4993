import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentNodeFlags } from './agent-node-flags.ts';

test('the flags file gives the V8 flags, without its comments', () => {
  const flags = agentNodeFlags();
  assert.ok(flags.length > 0);
  for (const flag of flags) assert.match(flag, /^--[a-z0-9-]+(=\S+)?$/);
});

// A Dockerfile's exec-form ENTRYPOINT cannot read a file, so it repeats them.
test('the agent image starts node with exactly those flags', () => {
  const dockerfile = readFileSync(new URL('./agent.Dockerfile', import.meta.url), 'utf8');
  const entrypoint = dockerfile.match(/^ENTRYPOINT (\[.*\])$/m);
  assert.ok(entrypoint, 'agent.Dockerfile has an exec-form ENTRYPOINT');
  assert.equal(JSON.parse(entrypoint[1]), ['/nodejs/bin/node', ...agentNodeFlags(), '/app/node-agent.cjs']);
});

test.run();
