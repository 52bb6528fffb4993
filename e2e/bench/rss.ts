// Resident memory of a process as the kernel reports it (VmRSS in
// /proc/<pid>/status), sampled a few times after the load settled: a
// single reading can catch the heap just before a collection.

import { readFileSync, readlinkSync } from 'node:fs';

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

/** How much of the process's RSS is pages of its own executable: shared with every process running the same binary. */
export function executableRssMiB(pid: number): number {
  const exe = readlinkSync(`/proc/${pid}/exe`);
  let kb = 0;
  let inExe = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) inExe = mapping[1] === exe;
    else if (inExe && line.startsWith('Rss:')) kb += Number(/(\d+)/.exec(line)![1]);
  }
  return kb / 1024;
}
