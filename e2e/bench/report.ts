// What one benchmark run found, as a table on the terminal and as JSON
// under .cluster/bench/. A measurement that failed stays in the report with
// its error, so one broken comparison never hides the others.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { clusterDir } from '../cluster/paths.ts';
import { pairwiseMedian, summarize, type Summary } from './stats.ts';

export interface Series {
  label: string;
  unit: 'ms' | 'MiB/s' | 'MiB' | 'requests';
  /** One entry per run, NaN for a run that failed, so run i of each series lines up. */
  samples: number[];
  /** Errors of failed runs (the first few). */
  errors?: string[];
}

export interface Target {
  /** Label of our series and of the one it is compared with. */
  ours: string;
  other: string;
  /** `<=`: ours/other at most `value` (times); `>=`: at least (rates). */
  op: '<=' | '>=';
  value: number;
}

/** An absolute goal: the series' p90 at most `max`, in the series' unit. */
export interface Limit {
  series: string;
  max: number;
}

export interface Measurement {
  name: string;
  series: Series[];
  /** Pairs to state as ratios; a target value of NaN states the ratio without a goal. */
  targets: Target[];
  limits?: Limit[];
  notes: string[];
  /** Set when the whole measurement failed. */
  error?: string;
}

export interface RatioResult extends Target { p50: number; p90: number; pairwise: number; met?: boolean }

export function ratios(m: Measurement): RatioResult[] {
  return m.targets.flatMap((t) => {
    const a = m.series.find((s) => s.label === t.ours);
    const b = m.series.find((s) => s.label === t.other);
    if (!a || !b) return [];
    const sa = summarize(a.samples);
    const sb = summarize(b.samples);
    const r = { ...t, p50: sa.p50 / sb.p50, p90: sa.p90 / sb.p90, pairwise: pairwiseMedian(a.samples, b.samples) };
    const met = Number.isNaN(t.value) || !Number.isFinite(r.p50) ? undefined : t.op === '<=' ? r.p50 <= t.value : r.p50 >= t.value;
    return [{ ...r, met }];
  });
}

const fmt = (n: number) => (!Number.isFinite(n) ? '-' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'MISSED');

export interface LimitResult extends Limit { p90: number; met?: boolean }

export function limits(m: Measurement): LimitResult[] {
  return (m.limits ?? []).flatMap((l) => {
    const s = m.series.find((x) => x.label === l.series);
    if (!s) return [];
    const p90 = summarize(s.samples).p90;
    return [{ ...l, p90, met: Number.isFinite(p90) ? p90 <= l.max : undefined }];
  });
}

export function formatTable(measurements: Measurement[]): string {
  const lines: string[] = [];
  for (const m of measurements) {
    lines.push('', `## ${m.name}${m.error ? `  FAILED: ${m.error}` : ''}`);
    if (m.series.length) {
      lines.push(`  ${'series'.padEnd(58)} ${'n'.padStart(4)} ${'p50'.padStart(9)} ${'p90'.padStart(9)} ${'p99'.padStart(9)}  unit`);
      for (const s of m.series) {
        const sum: Summary = summarize(s.samples);
        const failed = s.samples.length - sum.n;
        lines.push(`  ${s.label.padEnd(58)} ${String(sum.n).padStart(4)} ${fmt(sum.p50).padStart(9)} ${fmt(sum.p90).padStart(9)} ${fmt(sum.p99).padStart(9)}  ${s.unit}${failed ? `  (${failed} failed: ${s.errors?.[0] ?? '?'})` : ''}`);
      }
    }
    for (const r of ratios(m)) {
      const goal = Number.isNaN(r.value) ? '' : `  target ${r.op} ${r.value}×: ${verdict(r.met)}`;
      lines.push(`  ratio ${r.ours} / ${r.other}: p50 ${fmt(r.p50)}×, p90 ${fmt(r.p90)}×, pairwise median ${fmt(r.pairwise)}×${goal}`);
    }
    for (const l of limits(m)) {
      lines.push(`  limit ${l.series}: p90 ${fmt(l.p90)}, target <= ${l.max}: ${verdict(l.met)}`);
    }
    for (const n of m.notes) lines.push(`  note: ${n}`);
  }
  return lines.join('\n');
}

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

/** Writes the whole run as JSON; returns the file's path. */
export function writeJson(measurements: Measurement[], runs: number, startedAt: Date): string {
  const dir = join(clusterDir, 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const body = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    runs,
    machine: machine(),
    measurements: measurements.map((m) => ({
      ...m,
      summaries: Object.fromEntries(m.series.map((s) => [s.label, summarize(s.samples)])),
      ratios: ratios(m),
      limits: limits(m),
    })),
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
