import { describe, expect, it } from 'vitest';
import { addOutcome, createAggregate, deserializeAggregate, mergeAggregates, serializeAggregate } from '../src/index.js';

const JUDGE_FIELDS = ['judgeSampled', 'judgeJudged', 'judgeFailures', 'judgeDropped', 'judgeSkippedBudget', 'judgeCostUsd'] as const;

describe('judge counts in a variant aggregate', () => {
  it('sums them apart from the request cost, merged and round-tripped', () => {
    const a = createAggregate();
    const b = createAggregate();
    addOutcome(a, { flagKey: 'f', variant: 'v', costUsd: 0.002, latencyMs: 300 });
    addOutcome(a, { flagKey: 'f', variant: 'v', judgeSampled: 1, judgeJudged: 1, judgeCostUsd: 0.01, scores: { helpfulness: 4 } });
    addOutcome(b, { flagKey: 'f', variant: 'v', judgeSampled: 1, judgeFailures: 1 });
    addOutcome(b, { flagKey: 'f', variant: 'v', judgeSampled: 1, judgeSkippedBudget: 1 });
    addOutcome(b, { flagKey: 'f', variant: 'v', judgeSampled: 1, judgeDropped: 1 });
    const m = mergeAggregates(a, b);
    expect(JUDGE_FIELDS.map((f) => m[f])).toEqual([4, 1, 1, 1, 1, 0.01]);
    expect([m.cost.count, m.cost.sum]).toEqual([1, 0.002]);
    const back = deserializeAggregate(JSON.parse(JSON.stringify(serializeAggregate(m))));
    expect(JUDGE_FIELDS.map((f) => back[f])).toEqual([4, 1, 1, 1, 1, 0.01]);
  });

  it('leaves them out while 0, and reads an aggregate written before they existed as 0', () => {
    const agg = createAggregate();
    addOutcome(agg, { flagKey: 'f', variant: 'v', latencyMs: 100 });
    const s = serializeAggregate(agg);
    expect(JUDGE_FIELDS.filter((f) => f in s)).toEqual([]);
    const back = deserializeAggregate(s);
    expect(JUDGE_FIELDS.map((f) => back[f])).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
