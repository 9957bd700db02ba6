import { describe, expect, it } from 'vitest';
import { analyzeReplay, MemoryReplayResults, type ReplayCase, renderReplayReport, runReplay } from '../src/index.js';

const variants = [
  { key: 'control', value: { model: 'small' } },
  { key: 'treatment', value: { model: 'large' } },
];
const cases: ReplayCase[] = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, input: `question ${i}` }));

/** A deterministic "model": the large one is better on 80 % of the cases and clearly worse on the rest. */
function answer(variant: { key: string }, c: ReplayCase) {
  const i = Number(c.id.slice(1));
  const base = 3 + (i % 5) * 0.2;
  const quality = variant.key === 'control' ? base : i % 5 === 0 ? base - 1.5 : base + 0.5;
  return { output: `${variant.key} on ${c.input}`, costUsd: variant.key === 'control' ? 0.001 : 0.0011, latencyMs: 800 + (i % 7) * 10, scores: { quality } };
}

describe('runReplay', () => {
  it('runs every case through every variant, concurrency at a time, and keeps the results', async () => {
    let inFlight = 0;
    let most = 0;
    const results = new MemoryReplayResults();
    const summary = await runReplay({
      flagKey: 'chat-model',
      flagVersion: 'v1',
      variants,
      cases,
      results,
      concurrency: 3,
      run: async (v, c) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return answer(v, c);
      },
    });
    expect(summary).toMatchObject({ ran: 80, reused: 0, failed: 0 });
    expect(summary.costUsd).toBeCloseTo(40 * 0.0021, 10);
    expect(most).toBe(3);
    expect(results.results).toHaveLength(80);
  });

  it('pulls streamed cases lazily: never more than concurrency cases ahead of the finished runs', async () => {
    let pulled = 0;
    let finished = 0;
    let ahead = 0;
    async function* stream() {
      for (let i = 0; i < 200; i++) {
        pulled++;
        ahead = Math.max(ahead, pulled - finished);
        yield { id: `s${i}`, input: i };
      }
    }
    const results = new MemoryReplayResults();
    const summary = await runReplay({
      flagKey: 'f',
      flagVersion: 'v1',
      variants,
      cases: stream(),
      results,
      concurrency: 4,
      run: async () => {
        await new Promise((r) => setTimeout(r, 1));
        return { output: 'ok', scores: { quality: 1 } };
      },
      onProgress: (done) => {
        finished = Math.floor(done / variants.length);
      },
    });
    expect(summary).toMatchObject({ ran: 400, failed: 0 });
    expect(results.results).toHaveLength(400);
    expect(ahead).toBeLessThanOrEqual(4 + 1);
  });

  it('retries rate limits with exponential backoff and records other failures without throwing', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const summary = await runReplay({
      flagKey: 'f',
      flagVersion: 'v1',
      variants: [variants[0]!],
      cases: cases.slice(0, 2),
      results: new MemoryReplayResults(),
      backoffMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
      run: async (_v, c) => {
        if (c.id === 'c0' && attempts++ < 2) throw Object.assign(new Error('Too Many Requests'), { status: 429 });
        if (c.id === 'c1') throw new Error('model refused\nwith a second line');
        return { output: 'ok', scores: { quality: 1 } };
      },
    });
    expect(waits).toEqual([100, 200]);
    expect(summary).toMatchObject({ ran: 2, failed: 1 });
    expect(summary.results.find((r) => r.caseId === 'c1')).toMatchObject({ ok: false, error: 'model refused with a second line' });
  });

  it('counts a run that hangs as failed once its timeout passes', async () => {
    const summary = await runReplay({
      flagKey: 'f',
      flagVersion: 'v1',
      variants: [variants[0]!],
      cases: cases.slice(0, 2),
      results: new MemoryReplayResults(),
      timeoutMs: 20,
      run: (_v, c) => (c.id === 'c0' ? new Promise(() => {}) : Promise.resolve({ output: 'ok', scores: { quality: 1 } })),
    });
    expect(summary).toMatchObject({ ran: 2, failed: 1 });
    expect(summary.results.find((r) => r.caseId === 'c0')).toMatchObject({ ok: false, error: 'timed out after 20 ms' });
  });

  it('resumes: after a cost cap stops it, a rerun does only what is missing, and a new flag version starts over', async () => {
    const results = new MemoryReplayResults();
    let calls = 0;
    const run = async (v: { key: string }, c: ReplayCase) => {
      calls++;
      return answer(v, c);
    };
    const options = { flagKey: 'chat-model', variants, cases, results, run, concurrency: 1 };
    const capped = await runReplay({ ...options, flagVersion: 'v1', maxCostUsd: 0.03 });
    expect(capped.ran).toBeLessThan(80);
    expect(capped.skippedForCost).toBe(80 - capped.ran);
    const before = calls;
    const rest = await runReplay({ ...options, flagVersion: 'v1' });
    expect(rest.reused).toBe(capped.ran);
    expect(calls - before).toBe(80 - capped.ran);
    expect(rest.results).toHaveLength(80);
    const again = await runReplay({ ...options, flagVersion: 'v1' });
    expect(again.ran).toBe(0);
    expect((await runReplay({ ...options, flagVersion: 'v2' })).ran).toBe(80);
  });
});

describe('analyzeReplay', () => {
  const run = async (v: { key: string }, c: ReplayCase) => answer(v, c);

  it('pairs the arms per case, lists the worst cases first, and rolls back when the losses are significant', async () => {
    const worse = async (v: { key: string }, c: ReplayCase) => {
      const control = answer({ key: 'control' }, c);
      return v.key === 'control' ? control : { ...answer(v, c), scores: { quality: control.scores.quality - (Number(c.id.slice(1)) % 3 === 0 ? 0.1 : 0.6) } };
    };
    const { results } = await runReplay({ flagKey: 'chat-model', flagVersion: 'v1', variants, cases, results: new MemoryReplayResults(), run: worse });
    const report = analyzeReplay(results, { control: 'control', cases });
    const t = report.treatments[0]!;
    expect(t.decision).toBe('rollback');
    expect(t.metrics[0]).toMatchObject({ metric: 'quality', n: 40, winTieLoss: { wins: 0, ties: 0, losses: 40 } });
    expect(t.worst[0]!.diff).toBeCloseTo(-0.6, 10);
    expect(t.worst[0]!.input).toMatch(/^question /);
    expect(t.cost!.paired.diff).toBeCloseTo(0.0001, 10);
    expect(t.cost!.winTieLoss).toEqual({ wins: 0, ties: 0, losses: 40 });
    expect(renderReplayReport(report)).toContain('ROLLBACK');
  });

  it('promotes a candidate better on most cases, and still shows the cases it got worse', async () => {
    const { results } = await runReplay({ flagKey: 'chat-model', flagVersion: 'v1', variants, cases, results: new MemoryReplayResults(), run });
    const t = analyzeReplay(results, { control: 'control', cases }).treatments[0]!;
    expect(t.metrics[0]!.winTieLoss).toEqual({ wins: 32, ties: 0, losses: 8 });
    expect(t.metrics[0]!.paired.diff).toBeCloseTo((32 * 0.5 - 8 * 1.5) / 40, 10);
    expect(t.decision).toBe('promote');
    expect(t.worst).toHaveLength(5);
    expect(t.worst.every((d) => d.diff < 0)).toBe(true);
    expect(t.best[0]!.diff).toBeCloseTo(0.5, 10);
  });

  it("applies the gate's budgets: better answers at four times the cost roll back", async () => {
    const pricey = async (v: { key: string }, c: ReplayCase) => ({ ...answer(v, c), costUsd: v.key === 'control' ? 0.001 : 0.004 });
    const { results } = await runReplay({ flagKey: 'chat-model', flagVersion: 'v1', variants, cases, results: new MemoryReplayResults(), run: pricey });
    const t = analyzeReplay(results, { control: 'control' }).treatments[0]!;
    expect(t.decision).toBe('rollback');
    expect(t.reasons.join(' ')).toMatch(/cost per case \+300 %: significantly above the \+20 % budget/);
    expect(analyzeReplay(results, { control: 'control', criteria: { maxCostIncrease: 4 } }).treatments[0]!.decision).toBe('promote');
  });

  it('keeps measuring with too few cases or no quality score', async () => {
    const few = await runReplay({ flagKey: 'f', flagVersion: 'v1', variants, cases: cases.slice(0, 10), results: new MemoryReplayResults(), run });
    expect(analyzeReplay(few.results, { control: 'control' }).treatments[0]).toMatchObject({ decision: 'continue' });
    const unscored = await runReplay({ flagKey: 'f', flagVersion: 'v1', variants, cases, results: new MemoryReplayResults(), run: async () => 'text' });
    expect(analyzeReplay(unscored.results, { control: 'control' }).treatments[0]!.reasons[0]).toMatch(/no 'quality' score/);
  });
});
