// Resident memory of a process as the kernel reports it (VmRSS in
// /proc/<pid>/status), sampled a few times after the load settled: a
// single reading can catch the heap just before a collection.

import { readFileSync } from 'node:fs';

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for pid ${pid}`);
  return kb / 1024;
}

/** `count` readings `everyMs` apart. */
export async function sampleRss(pid: number, count = 5, everyMs = 500): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, everyMs));
    samples.push(rssMiB(pid));
  }
  return samples;
}
