import { describe, expect, it } from 'vitest';
import {
  addOutcome,
  createAggregate,
  deserializeAggregate,
  mergeAggregates,
  NAMED_SCORE_LIMITS,
  outcomeProblem,
  serializeAggregate,
  type SerializedAggregate,
  variance,
} from '../src/index.js';
import { MemoryMetricStore } from '../src/index.js';

const o = (scores: Record<string, number>) => ({ flagKey: 'f', variant: 'v', scores });

describe('named scores in a variant aggregate', () => {
  it('keeps moments per name with the known mean and variance', () => {
    const agg = createAggregate();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) addOutcome(agg, o({ helpfulness: x }));
    addOutcome(agg, o({ toxicity: 0.25, helpfulness: Number.NaN }));
    expect(agg.scores['helpfulness']!.count).toBe(8);
    expect(agg.scores['helpfulness']!.mean).toBe(5);
    expect(variance(agg.scores['helpfulness']!)).toBeCloseTo(32 / 7, 12);
    expect(agg.scores['toxicity']).toMatchObject({ count: 1, mean: 0.25, min: 0.25, max: 0.25 });
  });

  it('merges exactly: two halves merged equal one pass over all', () => {
    const all = createAggregate();
    const a = createAggregate();
    const b = createAggregate();
    for (let i = 0; i < 200; i++) {
      const scores = { helpfulness: (i * 7) % 5, ...(i % 3 === 0 ? { toxicity: i / 200 } : {}) };
      addOutcome(all, o(scores));
      addOutcome(i < 77 ? a : b, o(scores));
    }
    const merged = mergeAggregates(a, b);
    for (const name of ['helpfulness', 'toxicity']) {
      expect(merged.scores[name]!.count).toBe(all.scores[name]!.count);
      expect(merged.scores[name]!.mean).toBeCloseTo(all.scores[name]!.mean, 12);
      expect(merged.scores[name]!.m2).toBeCloseTo(all.scores[name]!.m2, 9);
    }
    expect(a.scores['helpfulness']!.count).toBe(77);
  });

  it('round-trips through JSON, and an aggregate written before scores existed reads with none', () => {
    const agg = createAggregate();
    addOutcome(agg, o({ helpfulness: 3, constructor: 1 }));
    const back = deserializeAggregate(JSON.parse(JSON.stringify(serializeAggregate(agg))) as SerializedAggregate);
    expect(back.scores['helpfulness']).toEqual(agg.scores['helpfulness']);
    expect(back.scores['constructor']!.count).toBe(1);
    const { scores: _, ...old } = serializeAggregate(agg);
    expect(deserializeAggregate(old as SerializedAggregate).scores).toEqual({});
    expect(serializeAggregate(createAggregate()).scores).toBeUndefined();
  });

  it('names a corrupt score field', () => {
    const s = serializeAggregate(createAggregate());
    const bad = { ...s, scores: { helpfulness: { count: 1, mean: null, m2: 0, min: 1, max: 1, sum: 1 } } };
    expect(() => deserializeAggregate(bad as never)).toThrow(/"scores\.helpfulness\.mean": expected a finite number/);
  });

  it('keeps at most perAggregate names; later names are ignored', () => {
    const agg = createAggregate();
    for (let i = 0; i < NAMED_SCORE_LIMITS.perAggregate + 10; i++) addOutcome(agg, o({ [`s${i}`]: 1 }));
    expect(Object.keys(agg.scores)).toHaveLength(NAMED_SCORE_LIMITS.perAggregate);
  });
});

describe('outcomeProblem for named scores', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['too many names', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`s${i}`, 1])), /17 names, at most 16 per outcome/],
    ['a long name', { ['x'.repeat(65)]: 1 }, /is 65 characters, at most 64/],
    ['a name with a space', { 'help fulness': 1 }, /name "help fulness" is not letters/],
    ['a string value', { helpfulness: '4' }, /scores\.helpfulness: expected a number, got "4"/],
    ['a huge value', { helpfulness: 1e200 }, /scores\.helpfulness 1e\+200 is beyond/],
  ])('rejects %s, naming flag and variant', (_, scores, message) => {
    const problem = outcomeProblem(o(scores as Record<string, number>));
    expect(problem?.field).toBe('scores');
    expect(problem?.message).toMatch(/^outcome for flag 'f' variant 'v': /);
    expect(problem?.message).toMatch(message);
  });

  it('accepts negative and non-finite scores (NaN means not measured)', () => {
    expect(outcomeProblem(o({ delta: -3, helpfulness: Number.NaN }))).toBeUndefined();
  });

  it('a store counts a rejected outcome under scores instead of throwing', () => {
    const store = new MemoryMetricStore();
    store.record(o({ 'bad name': 1 }));
    expect(store.rejections()).toEqual({ scores: 1 });
    expect(store.stats().dropped).toBe(1);
  });
});
