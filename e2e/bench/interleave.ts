// Runs competing variants round by round (A B C, B C A, C A B, ...) rather
// than all of A then all of B: load from other work on the shared machine
// then hits every variant alike, and the order inside a round rotates so no
// variant always runs first, with caches cold.

import type { Series } from './report.ts';

export interface Variant {
  label: string;
  unit: Series['unit'];
  /** One measurement; throws when the run failed. */
  run(round: number): Promise<number>;
}

export async function interleave(rounds: number, variants: Variant[], log: (line: string) => void): Promise<Series[]> {
  const series: Series[] = variants.map((v) => ({ label: v.label, unit: v.unit, samples: new Array(rounds).fill(NaN), errors: [] }));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (round + k) % variants.length;
      try {
        series[i]!.samples[round] = await variants[i]!.run(round);
      } catch (err) {
        const errors = series[i]!.errors!;
        if (errors.length < 3) errors.push((err as Error).message);
        log(`  ${variants[i]!.label}: run ${round + 1} failed: ${(err as Error).message}`);
      }
    }
    log(`  round ${round + 1}/${rounds}: ${series.map((s) => `${s.label.split(':')[0]} ${fmt(s.samples[round]!)}`).join(', ')}`);
  }
  return series;
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 1) : 'failed');
