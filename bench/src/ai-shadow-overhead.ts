/**
 * What shadow traffic at 100 % sampling adds to a served request: requests of ~1 ms of handler work (a JSON
 * round trip of a chat-sized payload) with shadow off against a ShadowRunner at rate 1 whose candidate is a
 * model call of similar time (awaits 2 ms, as a remote model does), paired rounds. Goal: the served latency
 * (start of a request to its answer) at most 2 % more; the wall per request, background work included, is
 * printed beside it.
 *
 *   node --import tsx --conditions=source --expose-gc bench/src/ai-shadow-overhead.ts [--quick]
 */
import { fileURLToPath } from 'node:url';
import { validateFlags } from '@aiflags/core';
import { SHADOWED_FLAG, SHADOWED_FLAGS } from '@aiflags/testing';
import { type ShadowRun, ShadowRunner } from '@aiflags/ai';
import type { BenchOptions, BenchRow } from './report.js';
import { handle, pairedOverhead, overheadRows, type ServedTimes, serveSequentially } from './served-requests.js';

const FLAG = SHADOWED_FLAG;
const flags = validateFlags(SHADOWED_FLAGS, 'flags.yaml');

const candidate: ShadowRun = () => new Promise((resolve) => setTimeout(() => resolve({ output: 'shadow answer', costUsd: 0.001 }), 2));

/** Sequential requests, each sampled for a shadow run when `runner` is given. */
function serve(requests: number, runner: ShadowRunner | undefined): Promise<ServedTimes> {
  return serveSequentially(requests, (i) => {
    const began = performance.now();
    const ticket = runner?.shadow(FLAG, { targetingKey: `u${i}` }, candidate, { requestId: `r${i}` });
    const answer = handle();
    ticket?.served({ variant: 'control', output: answer.length, latencyMs: performance.now() - began });
  });
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const requests = options.quick ? 200 : 2_000;
  const rounds = options.quick ? 2 : 15;
  const shadowed = async () => {
    const runner = new ShadowRunner({ flags, concurrency: 32, maxQueue: 10_000 });
    const times = await serve(requests, runner);
    await runner.close();
    return times;
  };
  const m = await pairedOverhead(rounds, () => serve(requests, undefined), shadowed);
  // The candidate's own work (its promise and timer, as a model call's client would have), run bare beside each
  // request: what shadowing must cost whatever runs it, so the second ratio is the runner's share alone.
  const bare = () =>
    serveSequentially(requests, () => {
      setImmediate(() => void candidate(undefined as never, new AbortController().signal));
      handle();
    });
  const runner = await pairedOverhead(rounds, bare, shadowed);
  const note = `${requests} requests × ${rounds} paired rounds`;
  return [
    ...overheadRows('ai-shadow-overhead', 'shadow at 100 %', m, 1.02, note),
    {
      suite: 'ai-shadow-overhead',
      name: 'served latency, runner beyond a bare candidate (paired)',
      value: Math.round(runner.servedRatio * 1000) / 1000,
      unit: 'ratio',
      note: `${((runner.servedRatio - 1) * 100).toFixed(2)} % more than the candidate run bare beside each request; wall ${((runner.wallRatio - 1) * 100).toFixed(2)} %`,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
