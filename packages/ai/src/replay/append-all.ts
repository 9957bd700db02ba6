import type { ReplayResult, ReplayResultStore } from './replay-types.js';

/** Results in the order given: in one `appendMany` where the store has it, else one `append` after another. */
export async function appendAll(store: ReplayResultStore, results: readonly ReplayResult[]): Promise<void> {
  if (store.appendMany) await store.appendMany(results);
  else for (const r of results) await store.append(r);
}
