import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CRD_FILE, debugSessionCRD } from './crd.ts';
import { renderCRD } from './render.ts';
import { specSchema, statusSchema } from './schema.ts';
import type { DebugSessionSpec, DebugSessionStatus } from './types.ts';

type Full<T> = T extends (infer U)[] ? Full<U>[] : T extends object ? { [K in keyof T]-?: Full<T[K]> } : T;

// Every field of the TypeScript types, filled in. The compiler insists that a
// field added to types.ts appears here, and the test below insists that the
// schema has it too (and nothing the types lack).
const fullSpec: Full<DebugSessionSpec> = {
  target: { pod: 'p', selector: { matchLabels: { a: 'b' } }, workload: { kind: 'Deployment', name: 'w' }, container: 'c' },
  image: 'i', imagePullPolicy: 'Never', command: ['sh'], args: ['-c'], tty: true, stdin: true,
  activeDeadlineSeconds: 60, idleTimeoutSeconds: 60,
  attach: { tokenSHA256: 'x', expiresAt: 't' },
};
const fullStatus: Full<DebugSessionStatus> = {
  phase: 'Running', message: 'm',
  conditions: [{ type: 't', status: 'True', reason: 'r', message: 'm', lastTransitionTime: 't', observedGeneration: 1 }],
  target: { pod: 'p', podUID: 'u', container: 'c', nodeName: 'n', hostIP: 'h' },
  agent: { name: 'a', endpoint: 'e' },
  startTime: 't', completionTime: 't',
  runtime: {
    containerID: 'c', image: 'i', attachURL: 'u', certificateSHA256: 'f', startedAt: 't', finishedAt: 't',
    exitCode: 0, attachedClients: 0, lastActivityAt: 't', outputTail: 'o', recordingBytes: 0, containerRemoved: true,
  },
};

/** Paths where the example value and the schema disagree on having an object field. */
function drift(value: unknown, schema: Record<string, any>, path: string): string[] {
  if (Array.isArray(value)) return drift(value[0], schema.items, `${path}[]`);
  if (typeof value !== 'object' || value === null) return [];
  if (schema.additionalProperties) return []; // a map, e.g. matchLabels
  const props: Record<string, any> = schema.properties ?? {};
  const out: string[] = [];
  for (const key of Object.keys(value)) {
    if (!(key in props)) out.push(`${path}.${key} is in types.ts but not in the schema`);
    else out.push(...drift((value as any)[key], props[key], `${path}.${key}`));
  }
  for (const key of Object.keys(props)) {
    if (!(key in value)) out.push(`${path}.${key} is in the schema but not in types.ts`);
  }
  return out;
}

test('the spec schema and the TypeScript spec type have the same fields', () => {
  assert.equal(drift(fullSpec, specSchema, 'spec'), []);
});

test('the status schema and the TypeScript status type have the same fields', () => {
  assert.equal(drift(fullStatus, statusSchema, 'status'), []);
});

test('the committed CRD manifest is what npm run generate writes', () => {
  assert.is(readFileSync(CRD_FILE, 'utf8'), renderCRD(debugSessionCRD()), `${CRD_FILE} is stale: run npm run generate`);
});

test.run();
