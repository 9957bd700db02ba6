/**
 * Metric write throughput on loopback Redis: outcomes recorded and written per second by one process
 * through RedisMetricStore (in-memory aggregation, one pipelined flush per 10 000 outcomes), against a
 * baseline that sends every outcome to Redis as its own round trip.
 *
 *   node --import tsx --conditions=source bench/src/redis-metric-throughput.ts [--quick]
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRedisClient, RedisMetricStore } from '@aiflags/redis';
import type { BenchOptions, BenchRow } from './report.js';
import { syntheticOutcome } from './synthetic-outcome.js';

const FLUSH_EVERY = 10_000;

/** Runs the throughput bench; `quick` records 100 000 outcomes instead of 1 000 000. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `aiflags-bench:${randomUUID().slice(0, 8)}`;
  const total = options.quick ? 100_000 : 1_000_000;
  const baselineCount = options.quick ? 2_000 : 20_000;
  const store = new RedisMetricStore({ url, prefix, flushIntervalMs: 0 });
  const raw = createRedisClient(url);
  const flushTimes: number[] = [];
  try {
    await store.flush();
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      store.record(syntheticOutcome(i));
      if ((i + 1) % FLUSH_EVERY === 0) {
        const t = performance.now();
        await store.flush();
        flushTimes.push(performance.now() - t);
      }
    }
    await store.flush();
    const pipelinedSeconds = (performance.now() - start) / 1000;
    const merged = await store.query('chat-model');
    const stored = Object.values(merged).reduce((n, a) => n + a.outcomes, 0);
    if (stored !== total - total / 4) throw new Error(`stored ${stored} chat-model outcomes, expected ${total - total / 4}`);

    // Baseline: what a naive client does, one HINCRBY round trip per outcome.
    await raw.connect();
    const key = `${prefix}:baseline`;
    const baseStart = performance.now();
    for (let i = 0; i < baselineCount; i++) await raw.hincrby(key, syntheticOutcome(i).variant, 1);
    const baselineSeconds = (performance.now() - baseStart) / 1000;

    flushTimes.sort((a, b) => a - b);
    const load = `load avg ${loadavg()[0]!.toFixed(1)}`;
    return [
      {
        suite: 'redis-metrics',
        name: 'RedisMetricStore record + pipelined flush',
        value: Math.round(total / pipelinedSeconds),
        unit: 'outcomes/s',
        note: `${total} outcomes, flush every ${FLUSH_EVERY}, ${store.stats().dropped} dropped; ${load}`,
      },
      {
        suite: 'redis-metrics',
        name: 'pipelined flush (p50)',
        value: Math.round(flushTimes[Math.floor(flushTimes.length / 2)]! * 100) / 100,
        unit: 'ms',
        note: `${flushTimes.length} flushes of 6 cells + unit ids`,
      },
      {
        suite: 'redis-metrics',
        name: 'baseline: one round trip per outcome',
        value: Math.round(baselineCount / baselineSeconds),
        unit: 'outcomes/s',
        note: `${baselineCount} HINCRBY calls, for comparison`,
      },
    ];
  } finally {
    await store.close();
    if (raw.status === 'ready') {
      const keys = await raw.keys(`*${prefix}*`);
      if (keys.length > 0) await raw.del(...keys);
    }
    raw.disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
