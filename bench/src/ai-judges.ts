/**
 * What judges at 100 % sampling add to a served request: requests of ~1 ms of handler work (a JSON
 * round trip of a chat-sized payload) through aiFlags trackers, with a heuristic judge on every response
 * against none, paired rounds (served latency is the goal, ≤ 2 %; wall per request with the judging between
 * requests is printed beside it); and the judge queue's heap with 1 000 000 samples offered to it.
 *
 *   node --import tsx --conditions=source --expose-gc bench/src/ai-judges.ts [--quick]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { OpenFeature } from '@openfeature/server-sdk';
import { aiFlags, JudgeRunner } from '@aiflags/ai';
import { MemoryMetricStore } from '@aiflags/metrics';
import type { BenchOptions, BenchRow } from './report.js';
import { handle, overheadRows, pairedOverhead, type ServedTimes, serveSequentially } from './served-requests.js';

const FLAG = 'support-prompt';

/** Sequential requests through aiFlags trackers, every response judged when `judged`. */
async function serve(requests: number, judged: boolean): Promise<ServedTimes> {
  const metrics = new MemoryMetricStore();
  const ai = aiFlags(OpenFeature.getClient('bench-judges'), {
    metrics,
    meter: false,
    track: false,
    ...(judged ? { judges: { length: ({ output }) => Math.min(5, String(output).length / 1000) }, judging: { rates: { [FLAG]: { length: 1 } } } } : {}),
  });
  const times = await serveSequentially(requests, (i) => {
    const tracker = ai.tracker({ flagKey: FLAG, variant: i % 2 ? 'brief' : 'control', ctx: { targetingKey: `u${i}` } });
    const answer = handle();
    tracker.record({ latencyMs: 1, error: false });
    tracker.response({ output: answer });
  });
  await ai.judges?.drain();
  return times;
}

/** Runs the judge bench; `quick` serves 500 requests a round instead of 2 000. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const requests = options.quick ? 500 : 2_000;
  const rounds = options.quick ? 3 : 15;
  await serve(200, true);
  const m = await pairedOverhead(
    rounds,
    () => serve(requests, false),
    () => serve(requests, true),
  );

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const runner = new JudgeRunner({ judges: { j: () => 1 }, rates: { [FLAG]: { j: 1 } }, maxQueue: 1_000 });
  const before = process.memoryUsage().heapUsed;
  const target = { flagKey: FLAG, variant: 'v', unitId: undefined, context: {} };
  for (let i = 0; i < 1_000_000; i++) runner.offer(target, `r${i}`, 'q', 'a');
  gc?.();
  const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  await runner.close();
  const load = `load avg ${loadavg()[0]!.toFixed(1)}`;
  return [
    ...overheadRows('ai-judges', 'judge at 100 %', m, 1.02, `${requests} requests × ${rounds} paired rounds; ${load}`),
    {
      suite: 'ai-judges',
      name: 'judge queue heap after 1 M samples offered',
      value: Math.round(grownMb * 10) / 10,
      unit: 'MB',
      note: `${runner.stats().judges['j']!.dropped} dropped, ${gc ? 'after gc' : 'no --expose-gc: without a gc'}`,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
