// Runs every test: the unit tests beside the code, then (unless --unit) the
// end-to-end suite on the real local cluster, which it starts first. Prints
// one closing line `N passed, N failed` and fails when anything failed or
// when no test ran at all (uvu alone exits 0 on `Total: 0`).

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    unit: { type: 'boolean', default: false },
    e2e: { type: 'boolean', default: false },
    filter: { type: 'string' },
  },
});

interface Tally { passed: number; failed: number; skipped: number }

/** Runs one uvu invocation, echoing its output, and reads its summary. */
function uvu(dir: string, pattern: string, ignore: string[], env: NodeJS.ProcessEnv = process.env): Promise<Tally & { code: number }> {
  const args = ['--import', 'tsx', 'node_modules/uvu/bin.js', dir, pattern, ...ignore.flatMap((i) => ['-i', i])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
      const num = (label: string) => Number(plain.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? 0);
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped');
      // A file that crashes before its summary counts as one failure.
      const failed = Math.max(total - passed - skipped, code !== 0 && total === passed + skipped ? 1 : 0);
      resolve({ passed, failed, skipped, code: code ?? 1 });
    });
  });
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
const add = (t: Tally) => {
  tally.passed += t.passed;
  tally.failed += t.failed;
  tally.skipped += t.skipped;
};

const pattern = values.filter ?? '\\.test\\.ts$';

if (!values.e2e) {
  add(await uvu('.', pattern, ['node_modules', 'e2e', '.cluster']));
}

/** Files that restart Docker or the API server under everything else: after all the others. */
const RESTARTING = ['platform-restarts.test.ts'];
function lastThoseThatRestart(a: string, b: string): number {
  return Number(RESTARTING.includes(a)) - Number(RESTARTING.includes(b)) || a.localeCompare(b);
}

if (!values.unit) {
  const { prepareE2E } = await import('../e2e/prepare.ts');
  const env = await prepareE2E(run);
  if (!env) {
    tally.failed += 1;
    console.error('the local cluster did not come up; e2e tests not run');
  } else {
    // One process per file: a file that deploys cluster-wide programs, or
    // crashes, cannot disturb the others.
    const files = readdirSync(resolve(import.meta.dirname, '../e2e')).filter((f) => new RegExp(pattern).test(f)).sort(lastThoseThatRestart);
    for (const file of files) add(await uvu('e2e', `^${file.replaceAll('.', '\\.')}$`, [], { ...process.env, ...env }));
  }
}

console.log(`${tally.passed} passed, ${tally.failed} failed`);
if (tally.failed > 0 || tally.passed === 0) process.exit(1);
