/**
 * Shadow results written to loopback Redis by a ShadowRunner at rate 1 (an instant candidate, so the writes are
 * what is measured): batched (`appendMany`, one transaction for all that waits while a write is in flight)
 * against one `append` at a time, side by side, the same requests. Each sampled request writes two records.
 *
 *   node --import tsx --conditions=source bench/src/redis-shadow-writes.ts [--quick]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ReplayResult, type ReplayResultStore, ShadowRunner } from '@aiflags/ai';
import { validateFlags } from '@aiflags/core';
import { RedisReplayResults } from '@aiflags/redis';
import { deletePrefix, SHADOWED_FLAG, SHADOWED_FLAGS, testPrefix } from '@aiflags/testing';
import type { BenchOptions, BenchRow } from './report.js';

const flags = validateFlags(SHADOWED_FLAGS, 'flags.yaml');

/** Records written per second by a runner over `requests` sampled requests, all written when it returns. */
async function recordsPerSecond(store: ReplayResultStore, requests: number): Promise<number> {
  const runner = new ShadowRunner({ flags, concurrency: 32, maxQueue: requests * 2, store, maxPendingWrites: requests * 4 });
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    runner
      .shadow(SHADOWED_FLAG, { targetingKey: `u${i}` }, () => ({ output: 'shadow', costUsd: 0.001 }), { requestId: `r${i}` })
      .served({ variant: 'control', output: 'served', latencyMs: 1 });
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await runner.drain();
  const seconds = (performance.now() - start) / 1000;
  const persisted = runner.stats().persisted!;
  await runner.close();
  if (persisted.written !== requests * 2) throw new Error(`wrote ${persisted.written} of ${requests * 2} records (${JSON.stringify(persisted)})`);
  return persisted.written / seconds;
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix('bench-shadow-writes');
  const requests = options.quick ? 2_000 : 20_000;
  const redis = new RedisReplayResults<ReplayResult>({ url, prefix });
  const oneByOne: ReplayResultStore = { stream: (f, v) => redis.stream(f, v), append: (r) => redis.append(r) };
  try {
    await recordsPerSecond(redis, 500); // warm-up
    const single = await recordsPerSecond(oneByOne, requests);
    const batched = await recordsPerSecond(redis, requests);
    const note = `${requests} sampled requests, 2 records each, loopback Redis; load avg ${loadavg()[0]!.toFixed(1)}`;
    return [
      { suite: 'redis-shadow-writes', name: 'shadow records, one append at a time', value: Math.round(single), unit: 'records/s', note },
      { suite: 'redis-shadow-writes', name: 'shadow records, batched (appendMany)', value: Math.round(batched), unit: 'records/s' },
      { suite: 'redis-shadow-writes', name: 'batched / one at a time', value: Math.round((batched / single) * 100) / 100, unit: 'ratio' },
    ];
  } finally {
    await redis.close();
    await deletePrefix(prefix, url);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
