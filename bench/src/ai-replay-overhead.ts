/**
 * What runReplay adds per run beyond the user's own run function, at concurrency 32: the same 20 ms
 * setTimeout run through runReplay (memory store, one scorer) against a bare pool of 32 workers awaiting it,
 * side by side; overhead = (wall − bare wall) / runs, and the CPU per run spent outside the run. Goal ≤ 1 ms.
 *
 *   node --import tsx --conditions=source --expose-gc bench/src/ai-replay-overhead.ts [--quick]
 */
import { fileURLToPath } from 'node:url';
import { MemoryReplayResults, type ReplayCase, runReplay } from '@aiflags/ai';
import type { BenchOptions, BenchRow } from './report.js';

const CONCURRENCY = 32;
const RUN_MS = 20;
const variants = [
  { key: 'control', value: { model: 'small' } },
  { key: 'treatment', value: { model: 'large' } },
];
const wait = () => new Promise((resolve) => setTimeout(resolve, RUN_MS));

async function bare(runs: number): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < runs) await wait();
    }),
  );
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

async function replay(cases: number): Promise<{ wallMs: number; cpuMs: number }> {
  function* stream(): Generator<ReplayCase> {
    for (let i = 0; i < cases; i++) yield { id: `c${i}`, input: `question ${i}` };
  }
  const cpu = process.cpuUsage();
  const start = performance.now();
  await runReplay({
    flagKey: 'bench',
    flagVersion: 'v1',
    variants,
    cases: stream(),
    results: new MemoryReplayResults(),
    concurrency: CONCURRENCY,
    scorers: [(_c, output) => ({ quality: String(output).length })],
    run: async (variant) => {
      await wait();
      return { output: `${variant.key} answer`, costUsd: 0.001 };
    },
  });
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const cases = options.quick ? 320 : 3_200;
  const runs = cases * variants.length;
  const rounds = options.quick ? 1 : 3;
  const overheads: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = await bare(runs);
    const x = await replay(cases);
    overheads.push((x.wallMs - b.wallMs) / runs);
    cpus.push((x.cpuMs - b.cpuMs) / runs);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const wall = median(overheads);
  const cpu = median(cpus);
  const ideal = Math.ceil(runs / CONCURRENCY) * RUN_MS;
  return [
    {
      suite: 'ai-replay-overhead',
      name: 'replay wall overhead per run vs bare pool',
      value: Math.round(wall * 1000) / 1000,
      unit: 'ms',
      note: `${runs} runs of a ${RUN_MS} ms run at concurrency ${CONCURRENCY} (ideal ${ideal} ms); goal ≤ 1 ms: ${wall <= 1 ? 'met' : 'MISSED'}`,
    },
    {
      suite: 'ai-replay-overhead',
      name: 'replay CPU per run outside the run',
      value: Math.round(cpu * 1000) / 1000,
      unit: 'ms',
      note: `median of ${rounds} rounds; goal ≤ 1 ms: ${cpu <= 1 ? 'met' : 'MISSED'}`,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
