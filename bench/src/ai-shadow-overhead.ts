/**
 * What shadow traffic at 100 % sampling adds to a served request: requests of ~1 ms of handler work (a JSON
 * round trip of a chat-sized payload) with shadow off against a ShadowRunner at rate 1 whose candidate is a
 * model call of similar time (awaits 2 ms, as a remote model does), rounds interleaved. Goal ≤ 2 %.
 *
 *   node --import tsx --conditions=source --expose-gc bench/src/ai-shadow-overhead.ts [--quick]
 */
import { fileURLToPath } from 'node:url';
import { validateFlags } from '@aiflags/core';
import { SHADOWED_FLAG, SHADOWED_FLAGS } from '@aiflags/testing';
import { type ShadowRun, ShadowRunner } from '@aiflags/ai';
import type { BenchOptions, BenchRow } from './report.js';

const FLAG = SHADOWED_FLAG;
const payload = { messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'x'.repeat(200) })) };
const flags = validateFlags(SHADOWED_FLAGS, 'flags.yaml');

/** About 1 ms of request work on a typical core. */
function handle(): string {
  let out = '';
  for (let i = 0; i < 20; i++) out = JSON.stringify(JSON.parse(JSON.stringify(payload)));
  return out;
}

const candidate: ShadowRun = () => new Promise((resolve) => setTimeout(() => resolve({ output: 'shadow answer', costUsd: 0.001 }), 2));

/** ms per served request over `requests` sequential requests. */
async function serve(requests: number, runner: ShadowRunner | undefined): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const began = performance.now();
    const ticket = runner?.shadow(FLAG, { targetingKey: `u${i}` }, candidate, { requestId: `r${i}` });
    const answer = handle();
    ticket?.served({ variant: 'control', output: answer.length, latencyMs: performance.now() - began });
    // The next request arrives on a later turn of the event loop, as on a server.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return (performance.now() - start) / requests;
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const requests = options.quick ? 200 : 2_000;
  const rounds = options.quick ? 2 : 15;
  const off: number[] = [];
  const on: number[] = [];
  const ratios: number[] = [];
  const shadowed = async () => {
    const runner = new ShadowRunner({ flags, concurrency: 32, maxQueue: 10_000 });
    const ms = await serve(requests, runner);
    await runner.close();
    return ms;
  };
  for (let r = 0; r < rounds; r++) {
    // Each pair runs back to back, in alternating order, so drift of the machine falls on both sides alike.
    let offMs: number;
    let onMs: number;
    if (r % 2 === 0) {
      offMs = await serve(requests, undefined);
      onMs = await shadowed();
    } else {
      onMs = await shadowed();
      offMs = await serve(requests, undefined);
    }
    off.push(offMs);
    on.push(onMs);
    ratios.push(onMs / offMs);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const base = median(off);
  const shadowedMs = median(on);
  // The median of the paired ratios: pairing cancels most of the machine's noise, which unpaired medians keep.
  const ratio = median(ratios);
  return [
    {
      suite: 'ai-shadow-overhead',
      name: 'served request, shadow off (median)',
      value: Math.round(base * 1000) / 1000,
      unit: 'ms',
      note: `${requests} requests × ${rounds} rounds`,
    },
    { suite: 'ai-shadow-overhead', name: 'served request, shadow at 100 % (median)', value: Math.round(shadowedMs * 1000) / 1000, unit: 'ms' },
    {
      suite: 'ai-shadow-overhead',
      name: 'shadow on / off (median of paired rounds)',
      value: Math.round(ratio * 1000) / 1000,
      unit: 'ratio',
      note: `${((ratio - 1) * 100).toFixed(2)} % more; goal ≤ 2 %: ${ratio <= 1.02 ? 'met' : 'MISSED'}`,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
