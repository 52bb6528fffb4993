// Percentiles and ratios of the benchmark's samples. Every comparison is a
// ratio of two series measured in the same run, on the same loaded machine:
// absolute times of a shared 2-core box mean little, ratios do.

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary { n: number; p50: number; p90: number; p99: number; min: number; max: number }

/** Failed runs are kept as NaN so that run i of each series stays aligned; they do not count here. */
export function summarize(all: number[]): Summary {
  const samples = all.filter(Number.isFinite);
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    min: samples.length ? Math.min(...samples) : NaN,
    max: samples.length ? Math.max(...samples) : NaN,
  };
}

/**
 * Median of per-run ratios a[i] / b[i]: runs were interleaved, so each pair
 * saw the same moment's load, and drift over the run cancels out.
 */
export function pairwiseMedian(a: number[], b: number[]): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (b[i]! > 0 && Number.isFinite(a[i]!)) ratios.push(a[i]! / b[i]!);
  return percentile(ratios, 50);
}
