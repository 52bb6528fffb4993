// `npm run bench`: brings up the local cluster the way the e2e suite does
// (e2e/prepare.ts: up.sh, bundles, CRD), starts an operator and an agent
// scoped to a namespace of its own, and measures kubectl-debug against what
// users would run instead. Prints a table, writes JSON to .cluster/bench/.
//
//   BENCH_RUNS=10            runs of each variant in the interleaved comparisons
//   BENCH_KEYSTROKES=200     keystrokes per session in the round-trip benchmark
//   BENCH_SESSIONS=1000      sessions held by the operator in the footprint benchmark
//   BENCH_SCALE_SESSIONS=1000  sessions the operator assigns in the scale benchmark,
//   BENCH_SCALE_NODES=100      spread over this many simulated nodes
//   BENCH_IDLE_MINUTES=10    the idle agent is read after at least this long
//   BENCH_ONLY=start,throughput,keystroke,agent,operator,scale,cli   a subset

import { spawn } from 'node:child_process';
import { kubeClient } from '../kubectl.ts';
import { prepareE2E } from '../prepare.ts';
import { agentFootprint, IDLE_LIMIT_MIB } from './agent-footprint.ts';
import { cliStartup } from './cli-startup.ts';
import { keystroke } from './keystroke.ts';
import { operatorFootprint } from './operator-footprint.ts';
import { operatorScale } from './operator-scale.ts';
import { IdleAgent } from './idle-agent.ts';
import { formatTable, machine, writeJson, type Measurement } from './report.ts';
import { executableRssMiB, sampleRss } from './rss.ts';
import { ScopedStack } from './scoped-stack.ts';
import { sessionStart } from './session-start.ts';
import { throughput } from './throughput.ts';

const count = (name: string, fallback: number, min: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${process.env[name]}"`);
  return n;
};
const RUNS = count('BENCH_RUNS', 10, 1);
const KEYS = count('BENCH_KEYSTROKES', 200, 10);
const SESSIONS = count('BENCH_SESSIONS', 1000, 1);
const SCALE_SESSIONS = count('BENCH_SCALE_SESSIONS', 1000, 1);
const SCALE_NODES = count('BENCH_SCALE_NODES', 100, 1);
const IDLE_MINUTES = count('BENCH_IDLE_MINUTES', 10, 0);
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const wanted = (name: string) => !ONLY || ONLY.includes(name);

const log = (line: string) => process.stderr.write(`${line}\n`);

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    // Their output goes to stderr: stdout is for the table.
    const child = spawn(cmd, args, { stdio: ['ignore', 2, 2] });
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

const startedAt = new Date();
const env = await prepareE2E(run);
if (!env) {
  log('bench: the local cluster did not come up (see above)');
  process.exit(1);
}
Object.assign(process.env, env);

const kube = await kubeClient();
const apiPort = Number(new URL(kube.credentials.server).port || 443);
// Room for the 20 live sessions of the footprint benchmark beside the others.
const stack = await ScopedStack.start({ prefix: 'bench', agentFlags: ['--max-sessions', '32'] });
const idleAgent = wanted('agent') ? await IdleAgent.start() : undefined;
const measurements: Measurement[] = [];
try {
  const pod = await stack.createPod('target');
  const ephemeralTarget = await stack.createPod('target-ephemeral');
  await new Promise((r) => setTimeout(r, 2_000));
  const agentIdle = await sampleRss(stack.agent.process.pid!);
  const agentBinary = executableRssMiB(stack.agent.process.pid!);
  const operatorIdle = await sampleRss(stack.operator.process.pid!);
  log(`bench: namespace ${stack.ns}, ${RUNS} runs per variant, machine ${JSON.stringify(machine())}`);

  // The agent's footprint first, before 64 MiB streams have grown its heap.
  const steps: [string, string, () => Promise<Measurement>][] = [
    ['agent', 'Agent resident memory', () => agentFootprint(stack, kube, pod, agentIdle, agentBinary, log)],
    ['start', 'Session start', () => sessionStart(stack, kube, pod, ephemeralTarget, RUNS, log)],
    ['throughput', 'Output throughput', () => throughput(stack, pod, RUNS, log)],
    ['keystroke', 'Keystroke round trip', () => keystroke(stack, kube, pod, KEYS, log)],
    ['operator', 'Operator resident memory', () => operatorFootprint(stack, kube, SESSIONS, operatorIdle, log)],
    ['scale', 'Operator at scale', () => operatorScale(stack, kube, SCALE_SESSIONS, SCALE_NODES, log)],
    ['cli', 'CLI start-up', () => cliStartup(stack, apiPort, RUNS, log)],
  ];
  for (const [key, name, step] of steps) {
    if (!wanted(key)) continue;
    log(`bench: ${name}`);
    try {
      measurements.push(await step());
    } catch (err) {
      log(`bench: ${name} failed: ${(err as Error).stack ?? err}`);
      measurements.push({ name, series: [], targets: [], notes: [], error: (err as Error).message });
    }
  }
  // Memory that stays after the load is gone: growth here is retained heap, or a leak.
  await new Promise((r) => setTimeout(r, 5_000));
  for (const [program, pid] of [['agent', stack.agent.process.pid!], ['operator', stack.operator.process.pid!]] as const) {
    const m = measurements.find((x) => x.name.startsWith(program === 'agent' ? 'Agent resident' : 'Operator resident'));
    const samples = await sampleRss(pid).catch((err) => (log(`bench: ${program} RSS: ${err.message}`), [] as number[]));
    m?.series.push({ label: `${program} idle, after all benchmarks`, unit: 'MiB', samples });
  }
  const agentMemory = measurements.find((x) => x.name.startsWith('Agent resident'));
  if (idleAgent && agentMemory) {
    await idleAgent.idleFor(IDLE_MINUTES, log);
    const label = `agent that never had a session, idle ${idleAgent.minutes.toFixed(1)} min`;
    agentMemory.series.push({ label, unit: 'MiB', samples: await idleAgent.sample() });
    agentMemory.limits?.push({ series: label, max: IDLE_LIMIT_MIB });
  }
} finally {
  await idleAgent?.stop().catch((err) => log(`bench: idle agent clean-up failed: ${(err as Error).message}`));
  await stack.stop().catch((err) => log(`bench: clean-up failed: ${(err as Error).message}`));
  kube.close();
}

const m = machine();
process.stdout.write(`# kubectl-debug benchmark, ${startedAt.toISOString()}, ${m.cpu} x${m.cores}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, ${RUNS} runs\n`);
process.stdout.write(`${formatTable(measurements)}\n\n`);
log(`bench: wrote ${writeJson(measurements, RUNS, startedAt)}`);
process.exitCode = measurements.some((x) => x.error) ? 1 : 0;
