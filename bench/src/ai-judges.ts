/**
 * What judges at 100 % sampling add to a served request: requests of ~1 ms of handler work (a JSON
 * round trip of a chat-sized payload) through aiFlags trackers, with a heuristic judge on every response
 * against none, rounds interleaved; and the judge queue's heap with 1 000 000 samples offered to it.
 *
 *   node --import tsx --conditions=source --expose-gc bench/src/ai-judges.ts [--quick]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { OpenFeature } from '@openfeature/server-sdk';
import { aiFlags, JudgeRunner } from '@aiflags/ai';
import { MemoryMetricStore } from '@aiflags/metrics';
import type { BenchOptions, BenchRow } from './report.js';

const FLAG = 'support-prompt';
const payload = { messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'x'.repeat(200) })) };

/** About 1 ms of request work on a typical core. */
function handle(): string {
  let out = '';
  for (let i = 0; i < 20; i++) out = JSON.stringify(JSON.parse(JSON.stringify(payload)));
  return out;
}

async function serve(requests: number, judged: boolean): Promise<number> {
  const metrics = new MemoryMetricStore();
  const ai = aiFlags(OpenFeature.getClient('bench-judges'), {
    metrics,
    meter: false,
    track: false,
    ...(judged ? { judges: { length: ({ output }) => Math.min(5, String(output).length / 1000) }, judging: { rates: { [FLAG]: { length: 1 } } } } : {}),
  });
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const tracker = ai.tracker({ flagKey: FLAG, variant: i % 2 ? 'brief' : 'control', ctx: { targetingKey: `u${i}` } });
    const answer = handle();
    tracker.record({ latencyMs: 1, error: false });
    tracker.response({ output: answer });
    // The next request arrives on a later turn of the event loop, as on a server.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await ai.judges?.drain();
  return (performance.now() - start) / requests;
}

/** Runs the judge bench; `quick` serves 500 requests a round instead of 2 000. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const requests = options.quick ? 500 : 2_000;
  const rounds = options.quick ? 3 : 7;
  const plain: number[] = [];
  const judged: number[] = [];
  await serve(200, true);
  for (let r = 0; r < rounds; r++) {
    plain.push(await serve(requests, false));
    judged.push(await serve(requests, true));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(plain);
  const withJudges = median(judged);

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
    {
      suite: 'ai-judges',
      name: 'served request, no judges (median)',
      value: Math.round(base * 1000) / 1000,
      unit: 'ms',
      note: `${requests} requests × ${rounds} rounds; ${load}`,
    },
    {
      suite: 'ai-judges',
      name: 'served request, judge at 100 % (median)',
      value: Math.round(withJudges * 1000) / 1000,
      unit: 'ms',
      note: `${(((withJudges - base) / base) * 100).toFixed(2)} % more than without`,
    },
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
