// Many API writes, a few at a time: enough in flight to be quick, few
// enough to leave the 2 cores to the programs being measured.

/** Runs `work` over `items`, at most `parallel` at once; rejects with the first failure. */
export async function inParallel<T>(items: T[], parallel: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  }));
}
