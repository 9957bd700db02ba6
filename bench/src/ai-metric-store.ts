/**
 * MetricStore ingestion on one core: outcomes per second into MemoryMetricStore (the in-process core of
 * the embedded FileMetricStore), and memory after 1 M and 10 M outcomes, to show it stays flat.
 *
 *   node --expose-gc --import tsx --conditions=source bench/src/ai-metric-store.ts [--quick]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Outcome } from '@aiflags/metrics';
import { MemoryMetricStore } from '@aiflags/metrics';
import type { BenchOptions, BenchRow } from './report.js';
import { syntheticOutcome } from './synthetic-outcome.js';

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
const POOL = 65_536;

/** A pool of realistic outcomes; the loop cycles through it. */
function outcomes(): Outcome[] {
  return Array.from({ length: POOL }, (_, i) => syntheticOutcome(i));
}

function memoryMb(): { rss: number; heap: number } {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: (m.heapUsed + m.arrayBuffers) / 2 ** 20 };
}

/** Ingests 1 M then up to 10 M outcomes (quick: 100 k / 1 M), timing each phase and measuring memory after each. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const first = options.quick ? 100_000 : 1_000_000;
  const total = options.quick ? 1_000_000 : 10_000_000;
  const pool = outcomes();
  const store = new MemoryMetricStore();
  // Rates are per CPU-second of this process (process.cpuUsage): on a shared, busy machine wall time
  // mostly measures waiting for a core; on an idle one the two agree.
  const ingest = (from: number, to: number): { cpu: number; wall: number } => {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = from; i < to; i++) store.record(pool[i & (POOL - 1)]!);
    const wallS = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu0);
    return { cpu: (to - from) / ((used.user + used.system) / 1e6), wall: (to - from) / wallS };
  };
  const base = memoryMb();
  const rateFirst = ingest(0, first);
  const atFirst = memoryMb();
  const rateRest = ingest(first, total);
  const atTotal = memoryMb();
  const stored = Object.values(await store.query('chat-model')).reduce((n, a) => n + a.outcomes, 0);
  if (stored !== total - total / 4) throw new Error(`stored ${stored} chat-model outcomes, expected ${total - total / 4}`);
  const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000} M` : `${n / 1000} k`);
  const load = `load avg ${loadavg()[0]!.toFixed(1)}`;
  const goal = (rate: { cpu: number; wall: number }) =>
    `${rate.cpu >= 2_000_000 ? 'goal ≥ 2 M/s met' : 'goal ≥ 2 M/s MISSED'}; per CPU-second (wall clock: ${Math.round(rate.wall)}/s)`;
  const flat = atTotal.heap - atFirst.heap;
  return [
    {
      suite: 'ai-metric-store',
      name: `ingestion, first ${label(first)}`,
      value: Math.round(rateFirst.cpu),
      unit: 'outcomes/s',
      note: `${goal(rateFirst)}; ${load}`,
    },
    {
      suite: 'ai-metric-store',
      name: `ingestion, ${label(first)} → ${label(total)}`,
      value: Math.round(rateRest.cpu),
      unit: 'outcomes/s',
      note: goal(rateRest),
    },
    {
      suite: 'ai-metric-store',
      name: `heap after ${label(first)}`,
      value: round1(atFirst.heap - base.heap),
      unit: 'MB',
      note: `rss ${round1(atFirst.rss)} MB; ${store.stats().dropped} dropped`,
    },
    {
      suite: 'ai-metric-store',
      name: `heap after ${label(total)}`,
      value: round1(atTotal.heap - base.heap),
      unit: 'MB',
      note: `rss ${round1(atTotal.rss)} MB; ${flat <= 1 ? 'flat' : `grew ${round1(flat)} MB`} from ${label(first)} to ${label(total)}${gc ? '' : ' (run with --expose-gc for exact figures)'}`,
    },
  ];
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(36)} ${String(r.value).padStart(12)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
