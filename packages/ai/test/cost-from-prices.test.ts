import { describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { parseFlags, validateFlags } from '@aiflags/core';
import { MemoryMetricStore } from '@aiflags/metrics';
import { aiFlags, analyzeImpact, costFromPrices, decide, renderImpactReport } from '../src/index.js';

const FLAG = 'chat-model';
const client = OpenFeature.getClient('prices');

describe('costFromPrices', () => {
  it('prices input, cached input and output tokens per million', () => {
    const prices = { input: 3, output: 15, cachedInput: 0.3 };
    // 1,000 input of which 400 cached, 200 output: (600 × 3 + 400 × 0.3 + 200 × 15) / 1e6.
    expect(costFromPrices(prices, { inputTokens: 1_000, cachedInputTokens: 400, outputTokens: 200 })).toBeCloseTo(0.00492, 12);
    expect(costFromPrices({ input: 3, output: 15 }, { inputTokens: 1_000, cachedInputTokens: 400 })).toBeCloseTo(0.003, 12);
    expect(costFromPrices(prices, { outputTokens: 1_000_000 })).toBe(15);
    expect(costFromPrices(prices, {})).toBeUndefined();
    expect(costFromPrices(prices, { inputTokens: -5, outputTokens: Number.NaN })).toBeUndefined();
  });
});

describe('cost from prices in the tracker', () => {
  const flags = validateFlags(
    {
      flags: {
        [FLAG]: {
          variants: { gpt: 'gpt-4o', claude: 'claude-sonnet-4' },
          defaultVariant: 'gpt',
          prices: { gpt: { input: 2.5, output: 10 }, claude: { input: 3, output: 15, cachedInput: 0.3 } },
        },
      },
    },
    'flags.yaml',
  );

  it("computes a cost from the flag file's prices when only tokens are reported; a reported cost wins; the report says so", async () => {
    const metrics = new MemoryMetricStore();
    const ai = aiFlags(client, { metrics, flags, meter: false, track: false });
    for (let i = 0; i < 40; i++) {
      const variant = i % 2 ? 'claude' : 'gpt';
      const tracker = ai.tracker({ flagKey: FLAG, variant, ctx: { targetingKey: `u${i}` } });
      if (i < 4) tracker.record({ inputTokens: 1_000, outputTokens: 100, costUsd: 1, quality: 4 });
      else tracker.record({ inputTokens: 1_000 + i, outputTokens: 100, quality: 4 });
    }
    const aggs = await metrics.query(FLAG);
    expect(aggs['gpt']!.cost.max).toBe(1);
    expect(aggs['gpt']!.cost.min).toBeCloseTo((1_004 * 2.5 + 100 * 10) / 1e6, 12);
    expect(aggs['claude']!.cost.min).toBeCloseTo((1_005 * 3 + 100 * 15) / 1e6, 12);
    expect([aggs['gpt']!.computedCosts, aggs['claude']!.computedCosts]).toEqual([18, 18]);
    const report = await analyzeImpact(metrics, FLAG, { control: 'gpt' });
    expect(report.variants[0]!.computedCosts).toEqual({ computed: 18, of: 20 });
    expect(renderImpactReport(report, decide(report))).toContain('(costs computed from token prices, none reported: gpt 18 of 20, claude 18 of 20)');
  });

  it('takes prices in code over the file, and leaves cost unset for a variant without prices', async () => {
    const metrics = new MemoryMetricStore();
    const ai = aiFlags(client, { metrics, flags, prices: { [FLAG]: { gpt: { input: 1, output: 1 } } }, meter: false, track: false });
    ai.tracker({ flagKey: FLAG, variant: 'gpt', ctx: {} }).record({ inputTokens: 500_000, outputTokens: 500_000 });
    ai.tracker({ flagKey: FLAG, variant: 'claude', ctx: {} }).record({ inputTokens: 10 });
    const aggs = await metrics.query(FLAG);
    expect(aggs['gpt']!.cost).toMatchObject({ count: 1, mean: 1 });
    expect(aggs['claude']!.cost.count).toBe(0);
  });
});

describe('prices in the flag file', () => {
  const flag = (prices: string) => `flags:\n  m:\n    variants: { a: x, b: y }\n    defaultVariant: a\n    prices:\n      ${prices}\n`;
  it.each([
    ['a negative price', 'a: { input: -1, output: 2 }', "field 'prices.a.input': expected a price ≥ 0 in USD per million tokens"],
    ['a missing output price', 'a: { input: 1 }', "field 'prices.a.output'"],
    ['prices for a variant the flag does not have', 'c: { input: 1, output: 2 }', "field 'prices.c': variant 'c' is not defined; variants are: a, b"],
  ])('rejects %s with file, flag and field', (_, prices, message) => {
    expect(() => parseFlags(flag(prices), 'flags.yaml')).toThrow(`flags.yaml: flag 'm', ${message}`);
  });
});
