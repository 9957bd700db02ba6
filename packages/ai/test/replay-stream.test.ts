import { describe, expect, it } from 'vitest';
import {
  analyzeReplay,
  analyzeReplayTally,
  fillReplayExamples,
  MemoryReplayResults,
  type ReplayCase,
  type ReplayResult,
  ReplayTally,
  runReplay,
} from '../src/index.js';
import { FinishedRuns } from '../src/replay/finished-runs.js';

const variants = [
  { key: 'control', value: { model: 'small' } },
  { key: 'treatment', value: { model: 'large' } },
];
const cases: ReplayCase[] = Array.from({ length: 60 }, (_, i) => ({ id: `c${i}`, input: `question ${i}`, ...(i % 2 ? { reference: `ref ${i}` } : {}) }));

/** The large model is better on two cases in three, worse on the third, by amounts that differ per case. */
function answer(variant: { key: string }, c: ReplayCase) {
  const i = Number(c.id.slice(1));
  const base = 2 + (i % 7) * 0.1;
  const quality = variant.key === 'control' ? base : i % 3 === 0 ? base - 0.2 - i / 100 : base + 0.1 + i / 200;
  return {
    output: `${variant.key} on ${c.input}`,
    costUsd: variant.key === 'control' ? 0.001 : 0.0012,
    latencyMs: 500 + i,
    scores: { quality, brevity: i % 4 },
  };
}

async function* streamOf<T>(items: T[], seen?: { pulled: number; closed: boolean }): AsyncGenerator<T> {
  try {
    for (const item of items) {
      if (seen) seen.pulled++;
      yield item;
    }
  } finally {
    if (seen) seen.closed = true;
  }
}

describe('a replay streamed end to end', () => {
  it('the tally of the stored results plus a second pass for the examples is the report analyzeReplay makes from them in memory', async () => {
    const store = new MemoryReplayResults();
    const run = async (v: { key: string }, c: ReplayCase) => answer(v, c);
    const kept = await runReplay({ flagKey: 'chat-model', flagVersion: 'v1', variants, cases, results: store, run, concurrency: 5 });
    const streamed = await runReplay({
      flagKey: 'chat-model',
      flagVersion: 'v2',
      variants,
      cases: streamOf(cases),
      results: store,
      run,
      concurrency: 5,
      keepResults: false,
    });
    expect(streamed).toMatchObject({ ran: 120, results: [] });

    const inMemory = analyzeReplay(kept.results, { control: 'control', cases, examples: 4 });
    const tally = await ReplayTally.from(store.stream('chat-model', 'v1'));
    const bare = analyzeReplayTally(tally, { control: 'control', examples: 4 });
    expect(bare.treatments[0]!.worst[0]).toMatchObject({ input: undefined, control: { output: undefined } });
    const filled = await fillReplayExamples(bare, store.stream('chat-model', 'v1'), streamOf(cases));
    expect(filled).toEqual(inMemory);
    expect(JSON.stringify(filled)).toBe(JSON.stringify(inMemory));
    const t = filled.treatments[0]!;
    expect(t.worst.map((d) => d.caseId)).toEqual(['c57', 'c54', 'c51', 'c48']);
    expect(t.worst[0]).toMatchObject({ input: 'question 57', reference: 'ref 57', control: { output: 'control on question 57' } });
    expect(t.best[0]).toMatchObject({ caseId: 'c59', treatment: { output: 'treatment on question 59' } });
  });

  it('keeps a success over a later failure of the same case, as a resumed replay does', () => {
    const base = { flagKey: 'f', flagVersion: 'v1', caseId: 'c1', variant: 'control', latencyMs: 10, at: '2026-01-01T00:00:00Z' };
    const ok: ReplayResult = { ...base, ok: true, output: 'fine', scores: { quality: 1 } };
    const failed: ReplayResult = { ...base, ok: false, error: 'boom', scores: {} };
    const control = (results: ReplayResult[]) => ReplayTally.of(results).arms.get('control')!;
    expect(control([ok, failed]).ok(0)).toBe(true);
    expect(control([ok, failed]).score('quality', 0)).toBe(1);
    expect(control([failed, ok]).ok(0)).toBe(true);
    expect(control([failed]).ok(0)).toBe(false);
    expect(control([ok, { ...ok, scores: { brevity: 2 } }]).score('quality', 0)).toBeUndefined();
  });

  it('stops reading streamed cases at the cost cap and closes them, without counting what was left; a rerun continues', async () => {
    const store = new MemoryReplayResults();
    const seen = { pulled: 0, closed: false };
    const run = async (v: { key: string }, c: ReplayCase) => answer(v, c);
    const options = { flagKey: 'chat-model', flagVersion: 'v1', variants, results: store, run, concurrency: 2, keepResults: false };
    const capped = await runReplay({ ...options, cases: streamOf(cases, seen), maxCostUsd: 0.01 });
    expect(capped).toMatchObject({ stoppedForCost: true, skippedForCost: undefined });
    expect(capped.ran).toBeGreaterThanOrEqual(9);
    expect(seen.closed).toBe(true);
    // Each case gives two runs: what was pulled is what ran, plus at most the one case the cap turned away per worker.
    expect(seen.pulled).toBeLessThanOrEqual(Math.ceil(capped.ran / 2) + 2);

    const rest = await runReplay({ ...options, cases: streamOf(cases) });
    expect(rest).toMatchObject({ reused: capped.ran, ran: 120 - capped.ran, stoppedForCost: false, skippedForCost: 0 });
  });

  it('remembers finished runs per case as a bitmask, past 30 variants too, and ignores variants it was not given', () => {
    const keys = Array.from({ length: 65 }, (_, i) => `v${i}`);
    const done = new FinishedRuns(keys);
    for (const v of ['v0', 'v29', 'v30', 'v64', 'v64', 'gone']) done.add('c1', v);
    expect(done.size).toBe(4);
    expect(keys.filter((v) => done.has('c1', v))).toEqual(['v0', 'v29', 'v30', 'v64']);
    expect(done.has('c2', 'v0')).toBe(false);
    expect(done.has('c1', 'gone')).toBe(false);
  });
});
