import { describe, expect, it } from 'vitest';
import { addOutcome, createAggregate, deserializeAggregate, mergeAggregates, serializeAggregate, type SerializedAggregate } from '../src/index.js';

describe('time to first token in a variant aggregate', () => {
  it('keeps moments and its own sketch (not the latency sketch), merged and round-tripped', () => {
    const a = createAggregate();
    const b = createAggregate();
    for (let i = 1; i <= 100; i++) addOutcome(i % 2 ? a : b, { flagKey: 'f', variant: 'v', ttftMs: i * 10, latencyMs: 5_000 });
    addOutcome(a, { flagKey: 'f', variant: 'v', ttftMs: -3 });
    const m = mergeAggregates(a, b);
    expect(m.ttft.count).toBe(101);
    expect(m.ttft.min).toBe(0);
    expect(m.ttftSketch.count).toBe(101);
    expect(m.latencySketch.count).toBe(100);
    // p95 of 0, 10, …, 1000 is 950, within the sketch's 1 % accuracy.
    expect(Math.abs(m.ttftSketch.getValueAtQuantile(0.95) - 950) / 950).toBeLessThan(0.011);
    const back = deserializeAggregate(JSON.parse(JSON.stringify(serializeAggregate(m))) as SerializedAggregate);
    expect(back.ttft).toEqual(m.ttft);
    expect(back.ttftSketch.getValueAtQuantile(0.95)).toBe(m.ttftSketch.getValueAtQuantile(0.95));
  });

  it('leaves ttft out while empty, and reads an aggregate written before it existed', () => {
    const agg = createAggregate();
    addOutcome(agg, { flagKey: 'f', variant: 'v', latencyMs: 100 });
    const s = serializeAggregate(agg);
    expect('ttft' in s || 'ttftSketch' in s).toBe(false);
    const back = deserializeAggregate(s);
    expect([back.ttft.count, back.ttftSketch.count, back.latency.count]).toEqual([0, 0, 1]);
    expect(() => deserializeAggregate({ ...s, latency: undefined } as never)).toThrow(/aggregate field "latency"/);
  });
});
