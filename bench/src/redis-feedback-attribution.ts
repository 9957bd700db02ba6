/**
 * Late feedback attributed through loopback Redis: response ids remembered by one process, then feedback
 * for each looked up and recorded, 1 000 at a time (the lookups of one tick share a pipeline).
 *
 *   node --import tsx --conditions=source bench/src/redis-feedback-attribution.ts [--quick]
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LateFeedback } from '@aiflags/ai';
import { MemoryMetricStore } from '@aiflags/metrics';
import { createRedisClient, RedisResponseStore } from '@aiflags/redis';
import type { BenchOptions, BenchRow } from './report.js';

const BATCH = 1_000;

/** Runs the attribution bench; `quick` attributes 20 000 responses instead of 200 000. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `aiflags-bench:${randomUUID().slice(0, 8)}`;
  const total = options.quick ? 20_000 : 200_000;
  const responses = new RedisResponseStore({ url, prefix });
  const metrics = new MemoryMetricStore();
  const late = new LateFeedback({ responses, store: metrics });
  try {
    const at = Date.now();
    for (let i = 0; i < total; i++) {
      responses.remember(`r${i}`, { flagKey: 'chat-model', variant: i % 2 ? 'treatment' : 'control', unitId: `u${i % 5_000}`, at });
      if ((i + 1) % 10_000 === 0) await responses.flush();
    }
    await responses.flush();
    const start = performance.now();
    for (let i = 0; i < total; i += BATCH) {
      await Promise.all(Array.from({ length: Math.min(BATCH, total - i) }, (_, k) => late.feedback(`r${i + k}`, (i + k) % 3 ? 'positive' : 'negative')));
    }
    const seconds = (performance.now() - start) / 1000;
    const stats = late.stats();
    if (stats.attributed !== total) throw new Error(`attributed ${stats.attributed} of ${total} (${JSON.stringify(stats)})`);
    return [
      {
        suite: 'redis-feedback',
        name: 'late feedback attributed through Redis',
        value: Math.round(total / seconds),
        unit: 'feedback/s',
        note: `${total} responses, ${BATCH} lookups per pipeline; load avg ${loadavg()[0]!.toFixed(1)}`,
      },
    ];
  } finally {
    await responses.close();
    const raw = createRedisClient(url);
    await raw.connect();
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 10_000);
      cursor = next;
      if (keys.length > 0) await raw.del(...keys);
    } while (cursor !== '0');
    raw.disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
