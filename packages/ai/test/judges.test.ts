import { describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { validateFlags } from '@aiflags/core';
import { HOUR_MS, MemoryMetricStore } from '@aiflags/metrics';
import { aiFlags, analyzeImpact, decide, inJudgeSample, type Judge, JudgeRunner, readJudgeResult, renderImpactReport, renderJudgeStats } from '../src/index.js';

const FLAG = 'support-prompt';
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);
const client = OpenFeature.getClient('judges-test');
const target = (variant: string, unitId = 'u1') => ({ flagKey: FLAG, variant, ctx: { targetingKey: unitId } });

describe('inJudgeSample', () => {
  it('hits its rate within 3 standard errors over 100,000 responses, for each variant its share', () => {
    const n = 100_000;
    for (const rate of [0.01, 0.1, 0.5]) {
      const perVariant = [0, 0];
      for (let i = 0; i < n; i++) if (inJudgeSample(`response-${i}`, rate)) perVariant[i % 2]!++;
      const total = perVariant[0]! + perVariant[1]!;
      expect(Math.abs(total - n * rate)).toBeLessThan(3 * Math.sqrt(n * rate * (1 - rate)));
      for (const hits of perVariant) expect(Math.abs(hits - (n / 2) * rate)).toBeLessThan(3 * Math.sqrt((n / 2) * rate * (1 - rate)));
    }
  });

  it('keeps the same response id in or out, and raising the rate keeps every id that was in', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => `id-${i}`);
    const at10 = ids.filter((id) => inJudgeSample(id, 0.1));
    expect(ids.filter((id) => inJudgeSample(id, 0.1))).toEqual(at10);
    const at30 = new Set(ids.filter((id) => inJudgeSample(id, 0.3)));
    expect(at10.every((id) => at30.has(id))).toBe(true);
    expect(ids.some((id) => inJudgeSample(id, 0))).toBe(false);
    expect(ids.every((id) => inJudgeSample(id, 1))).toBe(true);
  });
});

describe('readJudgeResult', () => {
  it.each<[unknown, RegExp]>([
    [Number.NaN, /score: expected a finite number ≥ 0, got NaN/],
    ['4', /expected a number or \{ score, costUsd \}, got "4"/],
    [-1, /score: expected a finite number ≥ 0, got -1/],
    [{ score: 3, costUsd: -0.01 }, /costUsd: expected a finite number ≥ 0, got -0.01/],
    [{ score: '3' }, /score: expected a finite number ≥ 0, got "3"/],
  ])('rejects %j', (value, message) => {
    expect(readJudgeResult(value)).toMatch(message);
  });

  it('reads a number and { score, costUsd }', () => {
    expect(readJudgeResult(4)).toEqual({ score: 4, costUsd: 0 });
    expect(readJudgeResult({ score: 0.5, costUsd: 0.002 })).toEqual({ score: 0.5, costUsd: 0.002 });
  });
});

describe('judges through aiFlags', () => {
  it('runs a flag-file judge off the request path and records its score per variant, its cost apart from the request', async () => {
    const flags = validateFlags(
      { flags: { [FLAG]: { variants: { control: 'a', treatment: 'b' }, defaultVariant: 'control', judges: { helpfulness: { rate: 1 } } } } },
      'flags.yaml',
    );
    const metrics = new MemoryMetricStore();
    const seen: string[] = [];
    const helpfulness: Judge = (s) => {
      seen.push(s.responseId);
      return { score: s.variant === 'treatment' ? 4 : 2, costUsd: 0.01 };
    };
    const ai = aiFlags(client, { metrics, meter: false, track: false, judges: { helpfulness }, judging: { flags } });
    for (let i = 0; i < 10; i++) {
      const tracker = ai.tracker(target(i % 2 ? 'treatment' : 'control', `u${i}`));
      tracker.record({ latencyMs: 100, costUsd: 0.002, error: false });
      expect(tracker.response({ input: 'q', output: 'a', id: `r${i}` })).toBe(`r${i}`);
    }
    expect(seen).toEqual([]);
    await ai.judges!.drain();
    expect(seen).toHaveLength(10);
    const aggs = await metrics.query(FLAG);
    expect(aggs['treatment']!.scores['helpfulness']).toMatchObject({ count: 5, mean: 4 });
    expect(aggs['control']!.scores['helpfulness']).toMatchObject({ count: 5, mean: 2 });
    expect(aggs['treatment']!.cost).toMatchObject({ count: 5, mean: 0.002 });
    const stats = ai.judges!.stats();
    expect(stats.judges['helpfulness']).toMatchObject({ sampled: 10, judged: 10, failed: 0 });
    expect(stats.judges['helpfulness']!.costUsd).toBeCloseTo(0.1, 12);
    expect(stats.byVariant.map((v) => [v.variant, v.judged])).toEqual([
      ['control', 5],
      ['treatment', 5],
    ]);
  });

  it('records a judge named quality as the primary metric the gate reads, not as a named score', async () => {
    const metrics = new MemoryMetricStore();
    const quality: Judge = (s) => (s.variant === 'treatment' ? 4 : 3);
    const ai = aiFlags(client, { metrics, meter: false, track: false, judges: { quality }, judging: { rates: { [FLAG]: { quality: 1 } } } });
    for (let i = 0; i < 6; i++) ai.tracker(target(i % 2 ? 'treatment' : 'control', `u${i}`)).response({ output: 'a' });
    await ai.judges!.drain();
    const aggs = await metrics.query(FLAG);
    expect(aggs['treatment']!.quality).toMatchObject({ count: 3, mean: 4 });
    expect(aggs['control']!.quality).toMatchObject({ count: 3, mean: 3 });
    expect(aggs['treatment']!.scores['quality']).toBeUndefined();
  });

  it('does not judge a response served the fallback (outside the experiment)', async () => {
    let calls = 0;
    const ai = aiFlags(client, { meter: false, track: false, judges: { j: () => ++calls }, judging: { rates: { [FLAG]: { j: 1 } } } });
    ai.tracker({ ...target('fallback'), inExperiment: false }).response({ output: 'x' });
    await ai.judges!.drain();
    expect(calls).toBe(0);
  });

  it('gives every tracker its own response id unless the app sets one', () => {
    const ai = aiFlags(client, { meter: false, track: false });
    const a = ai.tracker(target('control'));
    const b = ai.tracker(target('control'));
    expect(a.responseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.responseId).toBe(a.responseId);
    expect(a.responseId).not.toBe(b.responseId);
    expect(ai.tracker({ ...target('control'), responseId: 'mine' }).responseId).toBe('mine');
  });
});

describe('JudgeRunner with bad judges', () => {
  it('counts a NaN, a string, a negative, a throw, a rejection and a hang; never throws; records only the failures', async () => {
    const metrics = new MemoryMetricStore();
    const warnings: string[] = [];
    const judges: Record<string, Judge> = {
      nan: () => Number.NaN,
      text: () => 'good' as never,
      negative: () => -2,
      throws: () => {
        throw new Error('judge model down');
      },
      rejects: async () => Promise.reject(new Error('429')),
      hangs: (_, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(1))),
    };
    const rates = { [FLAG]: Object.fromEntries(Object.keys(judges).map((k) => [k, 1])) };
    const runner = new JudgeRunner({ judges, rates, store: metrics, timeoutMs: 20, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 3; i++) runner.offer({ flagKey: FLAG, variant: 'control', unitId: 'u', context: {} }, `r${i}`, 'q', 'a');
    await runner.drain();
    const s = runner.stats().judges;
    expect([s['nan']!.invalid, s['text']!.invalid, s['negative']!.invalid]).toEqual([3, 3, 3]);
    expect([s['throws']!.failed, s['rejects']!.failed, s['hangs']!.timedOut]).toEqual([3, 3, 3]);
    expect(Object.values(s).every((c) => c.judged === 0)).toBe(true);
    const agg = (await metrics.query(FLAG))['control']!;
    expect([agg.judgeSampled, agg.judgeFailures, agg.judgeJudged, agg.judgeCostUsd]).toEqual([18, 18, 0, 0]);
    expect([agg.exposures, agg.quality.count, agg.latency.count, agg.errors, Object.keys(agg.scores)]).toEqual([0, 0, 0, 0, []]);
    expect(warnings).toContain("aiflags: judge 'throws' threw (judge model down); counted in stats().judges.throws.failed");
    expect(warnings.filter((w) => w.includes("'nan'"))).toEqual([
      "aiflags: judge 'nan' on flag 'support-prompt': score: expected a finite number ≥ 0, got NaN; counted in stats().judges.nan.invalid",
    ]);
  });

  it('names a judge a flag asks for that is not registered, once', () => {
    const warnings: string[] = [];
    const runner = new JudgeRunner({ judges: { a: () => 1 }, rates: { [FLAG]: { accuracy: 1 } }, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 5; i++) runner.offer({ flagKey: FLAG, variant: 'v', unitId: undefined, context: {} }, `r${i}`, 1, 2);
    expect(warnings).toEqual([
      "aiflags: flag 'support-prompt' asks for judge 'accuracy', which is not registered (aiFlags(client, { judges: { accuracy: fn } })); registered: a",
    ]);
    expect(runner.stats().unknownJudges).toEqual(['accuracy']);
  });
});

describe('JudgeRunner budget and queue', () => {
  it('pauses sampling once the hourly budget is spent, says so, and resumes the next hour', async () => {
    let now = T0 + 10 * 60_000;
    const runner = new JudgeRunner({
      judges: { helpfulness: () => ({ score: 3, costUsd: 0.01 }) },
      rates: { [FLAG]: { helpfulness: 1 } },
      hourlyBudgetUsd: 0.05,
      concurrency: 1,
      clock: () => now,
    });
    const offer = (i: number) => runner.offer({ flagKey: FLAG, variant: 'v', unitId: undefined, context: {} }, `r${i}`, 'q', 'a');
    for (let i = 0; i < 20; i++) {
      offer(i);
      await runner.drain();
    }
    let s = runner.stats();
    expect(s.judges['helpfulness']).toMatchObject({ sampled: 20, judged: 5, skippedBudget: 15 });
    expect(s.budget).toMatchObject({ hourlyUsd: 0.05, pausedUntil: T0 + HOUR_MS, pausedHours: 1 });
    expect(renderJudgeStats(s).join('\n')).toMatch(
      /budget: \$0\.05\/hour, \$0\.05 spent this hour: sampling PAUSED until 2026-11-01 10:00 UTC; ran out in 1 hour/,
    );
    now = T0 + HOUR_MS;
    offer(100);
    await runner.drain();
    s = runner.stats();
    expect(s.judges['helpfulness']!.judged).toBe(6);
    expect(s.budget!.pausedUntil).toBeUndefined();
  });

  it('keeps memory flat with 1,000,000 samples offered to a full queue: the rest are dropped and counted', async () => {
    let calls = 0;
    const runner = new JudgeRunner({ judges: { j: () => ++calls }, rates: { [FLAG]: { j: 1 } }, maxQueue: 100 });
    const t = { flagKey: FLAG, variant: 'v', unitId: undefined, context: {} };
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) runner.offer(t, `r${i}`, 'q', 'a');
    const grown = process.memoryUsage().heapUsed - before;
    expect(runner.stats()).toMatchObject({ queued: 100, judges: { j: { sampled: 1_000_000, dropped: 999_900 } } });
    // A million queued samples would hold well over 100 MB.
    expect(grown).toBeLessThan(40 * 1024 * 1024);
    await runner.drain();
    expect(calls).toBe(100);
  });
});

describe('judge counts in the impact report', () => {
  it('prints the store counts per variant and, given the runner, this process by judge; judge records are not requests', async () => {
    const metrics = new MemoryMetricStore();
    const runner = new JudgeRunner({
      judges: { helpfulness: (s) => (s.responseId.endsWith('3') ? Number.NaN : { score: 4, costUsd: 0.02 }) },
      rates: { [FLAG]: { helpfulness: 1 } },
      store: metrics,
      concurrency: 1,
      hourlyBudgetUsd: 0.07,
      clock: () => T0,
      warn: () => {},
    });
    // Apps that record only a quality score (no latency): the error rate counts outcomes, so judge records must not add to them.
    for (let i = 0; i < 6; i++) {
      const variant = i < 3 ? 'control' : 'treatment';
      metrics.record({ flagKey: FLAG, variant, unitId: `u${i}`, quality: 3, error: i === 5, at: T0 });
      runner.offer({ flagKey: FLAG, variant, unitId: `u${i}`, context: {} }, `r${i}`, 'q', 'a');
      await runner.drain();
    }
    const report = await analyzeImpact(metrics, FLAG, { control: 'control' });
    expect(report.variants.map((v) => [v.size.outcomes, v.errorRate])).toEqual([
      [3, 0],
      [3, 1 / 3],
    ]);
    expect(report.variants[1]!.judges).toMatchObject({ sampled: 3, judged: 1, failed: 1, skippedBudget: 1, dropped: 0 });
    const text = renderImpactReport(report, decide(report), runner.stats());
    expect(text).toContain(
      [
        'judges (cost apart from the requests’ own):',
        '  control: 3 sampled, 3 judged, 0 failed, $0.06 judge cost',
        '  treatment: 3 sampled, 1 judged, 1 failed, 1 skipped (budget spent), $0.02 judge cost',
        '  sampling paused: 1 sample skipped for the hourly budget',
        '  this process, by judge:',
        '    helpfulness: 6 sampled, 4 judged, 1 invalid, 1 skipped (budget spent); $0.08',
        '      control: 3 judged, $0.06',
        '      treatment: 1 judged, $0.02',
        '    budget: $0.07/hour, $0.08 spent this hour: sampling PAUSED until 2026-11-01 10:00 UTC; ran out in 1 hour',
      ].join('\n'),
    );
    // Without the runner the store's lines stand alone; the gate's cost per request never saw judge cost.
    expect(renderImpactReport(report, decide(report))).not.toContain('this process');
    expect(report.variants.every((v) => v.costMean === undefined)).toBe(true);
  });
});
