/**
 * What judges at 100 % sampling add to a served request: requests of ~1 ms of handler work (a JSON
 * round trip of a chat-sized payload) through aiFlags trackers, with a heuristic judge on every response
 * against none, in paired blocks of 200 requests (mean served latency is the goal, ≤ 2 %; wall per request with the judging between
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

type Served = ReturnType<typeof aiFlags>;

/** aiFlags trackers, every response judged when `judged`: one instance for the whole run, as a server has. */
function instance(judged: boolean): Served {
  return aiFlags(OpenFeature.getClient('bench-judges'), {
    metrics: new MemoryMetricStore(),
    meter: false,
    track: false,
    ...(judged ? { judges: { length: ({ output }) => Math.min(5, String(output).length / 1000) }, judging: { rates: { [FLAG]: { length: 1 } } } } : {}),
  });
}

/** One block of sequential requests through `ai`; the judging left when the last answered counts in the wall. */
function serve(requests: number, ai: Served): Promise<ServedTimes> {
  return serveSequentially(
    requests,
    (i) => {
      const tracker = ai.tracker({ flagKey: FLAG, variant: i % 2 ? 'brief' : 'control', ctx: { targetingKey: `u${i}` } });
      const answer = handle();
      tracker.record({ latencyMs: 1, error: false });
      tracker.response({ output: answer });
    },
    async () => {
      await ai.judges?.drain();
    },
  );
}

/** Runs the judge bench; `quick` serves 6 pairs of 100-request blocks instead of 100 pairs of 200. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const requests = options.quick ? 100 : 200;
  const pairs = options.quick ? 6 : 100;
  const plain = instance(false);
  const judged = instance(true);
  const off = () => serve(requests, plain);
  const on = () => serve(requests, judged);
  for (let i = 0; i < 3; i++) await pairedOverhead(1, off, on); // warm-up
  const m = await pairedOverhead(pairs, off, on);
  const aa = await pairedOverhead(pairs, off, off);

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
    ...overheadRows('ai-judges', 'judge at 100 %', m, 1.02, `${pairs} pairs of ${requests}-request blocks; ${load}`, aa),
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
