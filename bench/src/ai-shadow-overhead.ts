/**
 * What shadow traffic at 100 % sampling adds to a served request: requests of ~1 ms of handler work (a JSON
 * round trip of a chat-sized payload) with shadow off against one long-lived ShadowRunner at rate 1 whose
 * candidate is a model call (awaits 2 ms, as a remote model does), in paired blocks of 200 requests. Goal: the
 * mean served latency (start of a request to its answer) at most 2 % more; the wall per request, background
 * work included, is printed beside it.
 *
 *   node --import tsx --conditions=source --expose-gc bench/src/ai-shadow-overhead.ts [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateFlags } from '@aiflags/core';
import { SHADOWED_FLAG, SHADOWED_FLAGS } from '@aiflags/testing';
import { type ReplayResult, type ShadowRun, ShadowRunner } from '@aiflags/ai';
import { FileReplayResults } from '@aiflags/file';
import type { BenchOptions, BenchRow } from './report.js';
import { handle, pairedOverhead, overheadRows, type ServedTimes, serveSequentially } from './served-requests.js';

const FLAG = SHADOWED_FLAG;
const flags = validateFlags(SHADOWED_FLAGS, 'flags.yaml');

const candidate: ShadowRun = () => new Promise((resolve) => setTimeout(() => resolve({ output: 'shadow answer', costUsd: 0.001 }), 2));

/** One block of sequential requests, each sampled for a shadow run when `runner` is given; request ids go on across blocks. */
let nextRequest = 0;
function serve(requests: number, runner: ShadowRunner | undefined): Promise<ServedTimes> {
  const first = nextRequest;
  nextRequest += requests;
  return serveSequentially(
    requests,
    (j) => {
      const i = first + j;
      const began = performance.now();
      const ticket = runner?.shadow(FLAG, { targetingKey: `u${i}` }, candidate, { requestId: `r${i}` });
      const answer = handle();
      ticket?.served({ variant: 'control', output: answer.length, latencyMs: performance.now() - began });
    },
    runner ? () => runner.drain() : undefined,
  );
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const requests = options.quick ? 100 : 200;
  const pairs = options.quick ? 6 : 100;
  // One runner for the whole run, as a server has: its kept results (the latest 10 000 requests) grow as they would.
  const runner = new ShadowRunner({ flags, concurrency: 32, maxQueue: 10_000 });
  const off = () => serve(requests, undefined);
  const on = () => serve(requests, runner);
  for (let i = 0; i < 3; i++) await pairedOverhead(1, off, on); // warm-up
  const m = await pairedOverhead(pairs, off, on);
  const aa = await pairedOverhead(pairs, off, off);
  // The candidate's own work (its promise and timer, as a model call's client would have), run bare beside each
  // request: what shadowing must cost whatever runs it, so this ratio is the runner's share alone.
  const bare = () => {
    const runs: unknown[] = [];
    return serveSequentially(
      requests,
      () => {
        setImmediate(() => runs.push(candidate(undefined as never, new AbortController().signal)));
        handle();
      },
      async () => {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all(runs);
      },
    );
  };
  const share = await pairedOverhead(pairs, bare, on);
  await runner.close();
  // As aiFlags() runs it by default: every result also written to .aiflags/replay/ (here a temporary folder).
  const dir = await mkdtemp(join(tmpdir(), 'aiflags-bench-shadow-'));
  const persisted = new ShadowRunner({ flags, concurrency: 32, maxQueue: 10_000, store: new FileReplayResults<ReplayResult>(dir) });
  const stored = await pairedOverhead(pairs, off, () => serve(requests, persisted));
  await persisted.close();
  await rm(dir, { recursive: true, force: true });
  const note = `${pairs} pairs of ${requests}-request blocks; load avg ${loadavg()[0]!.toFixed(1)}`;
  return [
    ...overheadRows('ai-shadow-overhead', 'shadow at 100 %', m, 1.02, note, aa),
    {
      suite: 'ai-shadow-overhead',
      name: 'served latency, runner beyond a bare candidate',
      value: Math.round(share.servedRatio * 1000) / 1000,
      unit: 'ratio',
      note: `${signedPct(share.servedRatio)} against the candidate run bare beside each request (pooled means; median of pairs ${signedPct(share.servedMedian)}); wall ${signedPct(share.wallRatio)}`,
    },
    {
      suite: 'ai-shadow-overhead',
      name: 'served latency, shadow at 100 % written to .aiflags/',
      value: Math.round(stored.servedMedian * 1000) / 1000,
      unit: 'ratio',
      note: `${signedPct(stored.servedMedian)} median of pairs (pooled means ${signedPct(stored.servedRatio)}); wall ${signedPct(stored.wallRatio)}: aiFlags()' default store`,
    },
  ];
}

function signedPct(ratio: number): string {
  return `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(2)} %`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
