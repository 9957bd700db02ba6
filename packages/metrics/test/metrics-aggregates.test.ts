import { describe, expect, it } from 'vitest';
import { seededRandom } from '@aiflags/testing';
import {
  AggregateTable,
  HOUR_MS,
  HyperLogLog,
  addExposure,
  addOutcome,
  createAggregate,
  createLatencySketch,
  deserializeAggregate,
  hourOf,
  mergeAggregates,
  outcomeProblem,
  serializeAggregate,
  standardDeviation,
  uniqueUnits,
  variance,
  type Outcome,
  type VariantAggregate,
} from '../src/index.js';
import { addToMoments, createMoments, mergeMoments } from '../src/aggregates/moments.js';
import { deserializeSketch, serializeSketch } from '../src/aggregates/latency-sketch.js';

function twoPassVariance(xs: number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
}

describe('Moments', () => {
  it('Welford matches a two-pass variance, even on values offset by 1e9 where naive sums of squares fail', () => {
    const rnd = seededRandom(1);
    const xs = Array.from({ length: 10_000 }, () => 1e9 + rnd() * 10);
    const m = createMoments();
    for (const x of xs) addToMoments(m, x);
    expect(m.count).toBe(xs.length);
    expect(variance(m)).toBeCloseTo(twoPassVariance(xs), 6);
    // The naive formula loses every significant digit here; the point of Welford.
    const n = xs.length;
    const s = xs.reduce((a, x) => a + x, 0);
    const s2 = xs.reduce((a, x) => a + x * x, 0);
    const naive = (s2 - (s * s) / n) / (n - 1);
    expect(Math.abs(naive - twoPassVariance(xs))).toBeGreaterThan(1e-3);
    expect(m.min).toBe(Math.min(...xs));
    expect(m.max).toBe(Math.max(...xs));
  });

  it.each([1, 2, 500, 999, 1000])('Chan merge of a split at %i equals one pass', (split) => {
    const rnd = seededRandom(split + 7);
    const xs = Array.from({ length: 1000 }, () => rnd() * 100 - 20);
    const whole = createMoments();
    const a = createMoments();
    const b = createMoments();
    xs.forEach((x, i) => {
      addToMoments(whole, x);
      addToMoments(i < split ? a : b, x);
    });
    const merged = mergeMoments(a, b);
    expect(merged.count).toBe(whole.count);
    expect(merged.mean).toBeCloseTo(whole.mean, 10);
    expect(merged.m2 / whole.m2).toBeCloseTo(1, 10);
    expect(merged.min).toBe(whole.min);
    expect(merged.max).toBe(whole.max);
    expect(merged.sum).toBeCloseTo(whole.sum, 8);
  });

  it('variance and sd are NaN below two observations', () => {
    const m = createMoments();
    addToMoments(m, 3);
    expect(variance(m)).toBeNaN();
    expect(standardDeviation(m)).toBeNaN();
  });
});

describe('HyperLogLog unique units', () => {
  // Standard error at 16384 registers is 1.04/128 = 0.81 %; 3 % is more than 3.5 standard errors.
  it.each([10, 700, 800, 1_000, 50_000, 300_000])('estimates %i distinct ids within 3 %', (n) => {
    const h = new HyperLogLog();
    for (let i = 0; i < n; i++) h.add(`user-${i}`);
    for (let i = 0; i < n; i += 3) h.add(`user-${i}`); // repeats change nothing
    expect(Math.abs(h.estimate() - n) / n).toBeLessThan(0.03);
  });

  it('merge is the union of two overlapping sets', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 30_000; i++) a.add(`u${i}`);
    for (let i = 20_000; i < 50_000; i++) b.add(`u${i}`);
    a.merge(b);
    expect(Math.abs(a.estimate() - 50_000) / 50_000).toBeLessThan(0.05);
  });

  it.each([
    [100, 100],
    [100, 5_000],
    [5_000, 100],
    [5_000, 20_000],
  ])('merging small (sparse) and large (dense) counters in any order gives the same registers: %i + %i ids', (na, nb) => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    const whole = new HyperLogLog();
    for (let i = 0; i < na; i++) a.add(`a${i}`);
    for (let i = 0; i < nb; i++) b.add(`b${i}`);
    for (let i = 0; i < nb; i++) whole.add(`b${i}`);
    for (let i = 0; i < na; i++) whole.add(`a${i}`);
    const ab = a.clone();
    ab.merge(b);
    const ba = b.clone();
    ba.merge(a);
    expect(ab.serialize()).toBe(whole.serialize());
    expect(ba.serialize()).toBe(whole.serialize());
    expect(Math.abs(ab.estimate() - (na + nb)) / (na + nb)).toBeLessThan(0.03);
  });

  it.each([0, 5, 769, 2_000, 100_000])('serializes %i ids and reads back the same registers', (n) => {
    const h = new HyperLogLog();
    for (let i = 0; i < n; i++) h.add(`id-${i}`);
    const text = h.serialize();
    const back = HyperLogLog.deserialize(JSON.parse(JSON.stringify(text)) as string);
    expect(back.serialize()).toBe(text);
    expect(back.estimate()).toBe(h.estimate());
  });

  it('rejects a malformed serialized value', () => {
    expect(() => HyperLogLog.deserialize('x:abc')).toThrow(/unique-unit sketch/);
  });
});

describe('latency sketch', () => {
  it('p95 is within 1 % relative error of the exact value', () => {
    const rnd = seededRandom(3);
    const xs = Array.from({ length: 20_000 }, () => Math.exp(4 + rnd() * 3));
    const s = createLatencySketch();
    for (const x of xs) s.accept(x);
    const exact = [...xs].sort((a, b) => a - b)[Math.floor(0.95 * (xs.length - 1))]!;
    expect(Math.abs(s.getValueAtQuantile(0.95) - exact) / exact).toBeLessThan(0.01);
  });

  it('round-trips exactly through JSON and stays mergeable', () => {
    const a = createLatencySketch();
    const b = createLatencySketch();
    for (let i = 0; i < 1000; i++) a.accept(10 + i);
    for (let i = 0; i < 500; i++) b.accept(i === 0 ? 0 : 2000 + i);
    const ra = deserializeSketch(JSON.parse(JSON.stringify(serializeSketch(a))));
    const rb = deserializeSketch(JSON.parse(JSON.stringify(serializeSketch(b))));
    expect(serializeSketch(ra)).toEqual(serializeSketch(a));
    ra.merge(rb);
    a.merge(b);
    expect(serializeSketch(ra)).toEqual(serializeSketch(a));
    for (const q of [0.5, 0.9, 0.95, 0.99]) expect(ra.getValueAtQuantile(q)).toBe(a.getValueAtQuantile(q));
  });
});

function outcomes(seed: number, n: number, variant = 'control'): Outcome[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    flagKey: 'chat-model',
    variant,
    unitId: `user-${Math.floor(rnd() * 200)}`,
    at: Date.UTC(2026, 0, 1) + i * 1000,
    quality: 1 + Math.floor(rnd() * 5),
    latencyMs: 100 + rnd() * 900,
    costUsd: rnd() / 100,
    inputTokens: 800,
    outputTokens: 200,
    error: rnd() < 0.05,
    ...(rnd() < 0.1 ? { feedback: rnd() < 0.5 ? ('positive' as const) : ('negative' as const) } : {}),
  }));
}

function fill(os: Outcome[]): VariantAggregate {
  const agg = createAggregate();
  for (const o of os) addOutcome(agg, o);
  return agg;
}

describe('VariantAggregate', () => {
  it('counts every field of an outcome', () => {
    const agg = createAggregate();
    addOutcome(agg, {
      flagKey: 'f',
      variant: 'v',
      unitId: 'u1',
      quality: 4,
      latencyMs: 120,
      costUsd: 0.002,
      inputTokens: 812,
      outputTokens: 240,
      error: true,
      feedback: 'negative',
    });
    addOutcome(agg, { flagKey: 'f', variant: 'v', unitId: 'u2', quality: Number.NaN, latencyMs: -5, feedback: 'positive' });
    addExposure(agg, { flagKey: 'f', variant: 'v', unitId: 'u3' });
    expect(agg).toMatchObject({ exposures: 1, outcomes: 2, errors: 1, inputTokens: 812, outputTokens: 240, feedbackPositive: 1, feedbackNegative: 1 });
    expect(agg.quality.count).toBe(1); // NaN ignored
    expect(agg.latency.min).toBe(0); // negative latency counts as 0 ms
    expect(agg.latencySketch.count).toBe(2);
    expect(uniqueUnits(agg)).toBe(3);
  });

  it('merging two halves equals adding everything to one aggregate', () => {
    const os = outcomes(11, 4000);
    const whole = fill(os);
    const merged = mergeAggregates(fill(os.slice(0, 1234)), fill(os.slice(1234)));
    const w = serializeAggregate(whole);
    const m = serializeAggregate(merged);
    expect(m.outcomes).toBe(w.outcomes);
    expect(m.errors).toBe(w.errors);
    expect(m.units).toBe(w.units);
    expect(m.latencySketch.counts).toEqual(w.latencySketch.counts);
    expect(m.quality.mean).toBeCloseTo(w.quality.mean, 10);
    expect(m.quality.m2 / w.quality.m2).toBeCloseTo(1, 10);
    expect(m.cost.m2 / w.cost.m2).toBeCloseTo(1, 10);
  });

  it('serializes to JSON and back exactly, and the copy merges like the original', () => {
    const a = fill(outcomes(21, 3000));
    const b = fill(outcomes(22, 1000));
    const text = JSON.stringify(serializeAggregate(a));
    const back = deserializeAggregate(JSON.parse(text));
    expect(JSON.stringify(serializeAggregate(back))).toBe(text);
    expect(serializeAggregate(mergeAggregates(back, b))).toEqual(serializeAggregate(mergeAggregates(a, b)));
  });

  it('an empty aggregate round-trips (no Infinity in JSON)', () => {
    const text = JSON.stringify(serializeAggregate(createAggregate()));
    expect(text).not.toContain('Infinity');
    expect(serializeAggregate(deserializeAggregate(JSON.parse(text)))).toEqual(JSON.parse(text));
  });

  it('rejects bad input naming the field', () => {
    const s = serializeAggregate(createAggregate()) as unknown as Record<string, unknown>;
    expect(() => deserializeAggregate({ ...s, errors: 'x' } as never)).toThrow(/"errors"/);
    expect(() => deserializeAggregate({ ...s, v: 2 } as never)).toThrow(/v: 1/);
  });

  it('one huge finite quality (1e200) leaves the moments finite, and the aggregate round-trips through JSON', () => {
    const agg = createAggregate();
    for (let i = 0; i < 50; i++) addOutcome(agg, { flagKey: 'f', variant: 'v', quality: (i % 5) + 1, costUsd: 0.001 });
    addOutcome(agg, { flagKey: 'f', variant: 'v', quality: 1e200, costUsd: -1, inputTokens: -3 });
    expect(agg.outcomes).toBe(51);
    expect(agg.quality.count).toBe(50);
    expect(Number.isFinite(agg.quality.m2)).toBe(true);
    expect(agg.quality.max).toBe(5);
    expect(agg.cost.min).toBe(0.001); // a negative cost is no measurement
    expect(agg.inputTokens).toBe(0);
    const back = deserializeAggregate(JSON.parse(JSON.stringify(serializeAggregate(agg))));
    expect(back.quality).toEqual(agg.quality);
  });

  it('names the field of a value no measurement can have, so stores can reject and count the outcome', () => {
    expect(outcomeProblem({ flagKey: 'f', variant: 'v', quality: 1e200 })).toEqual({
      field: 'quality',
      message: expect.stringMatching(/flag 'f' variant 'v': quality 1e\+200 is beyond/),
    });
    expect(outcomeProblem({ flagKey: 'f', variant: 'v', latencyMs: -1e120 })?.field).toBe('latencyMs');
    expect(outcomeProblem({ flagKey: 'f', variant: 'v', costUsd: -0.5 })?.message).toMatch(/costUsd -0.5 is negative/);
    expect(outcomeProblem({ flagKey: 'f', variant: 'v', outputTokens: -1 })?.field).toBe('outputTokens');
    // Ordinary values, a negative latency (a clock step) and NaN (not measured) are all fine.
    expect(outcomeProblem({ flagKey: 'f', variant: 'v', quality: -3, latencyMs: -5, costUsd: 0, inputTokens: 812, outputTokens: Number.NaN })).toBeUndefined();
  });

  it('a variance that overflowed in an older version (m2 written as null) is rejected naming the field', () => {
    const s = serializeAggregate(createAggregate()) as unknown as Record<string, unknown>;
    const quality = { count: 51, mean: 2e198, m2: null, min: 1, max: 1e200, sum: 1e200 };
    expect(() => deserializeAggregate({ ...s, quality } as never)).toThrow(/"quality\.m2": expected a finite number, got null/);
  });

  it('a unit count from elsewhere (Redis PFCOUNT) wins over the local sketch', () => {
    const a = createAggregate();
    a.unitsEstimate = 42;
    expect(uniqueUnits(a)).toBe(42);
    expect(deserializeAggregate(JSON.parse(JSON.stringify(serializeAggregate(a)))).unitsEstimate).toBe(42);
  });
});

describe('AggregateTable', () => {
  const t0 = Date.UTC(2026, 0, 1, 10);

  it('buckets by UTC hour', () => {
    expect(hourOf(t0 + 59 * 60_000)).toBe(t0);
    expect(hourOf(t0 + HOUR_MS)).toBe(t0 + HOUR_MS);
    expect(hourOf(t0 - 1)).toBe(t0 - HOUR_MS);
  });

  it('queries one flag per variant, over hours overlapping the range', () => {
    const table = new AggregateTable({ clock: () => t0 });
    for (let h = 0; h < 5; h++) {
      for (let i = 0; i < 10; i++) table.addOutcome({ flagKey: 'm', variant: i % 2 ? 'a' : 'b', at: t0 + h * HOUR_MS + i, quality: h });
    }
    table.addOutcome({ flagKey: 'other', variant: 'a', quality: 1 }); // no `at`: the clock decides
    table.addExposure({ flagKey: 'm', variant: 'a', unitId: 'u' });
    expect(table.size).toBe(11);
    const all = table.query('m');
    expect(all.a!.outcomes).toBe(25);
    expect(all.a!.exposures).toBe(1);
    const mid = table.query('m', { since: t0 + HOUR_MS + 1, until: t0 + 3 * HOUR_MS });
    expect(mid.a!.outcomes).toBe(10);
    expect(mid.a!.quality.mean).toBeCloseTo(1.5, 12);
    expect(table.query('missing')).toEqual({});
    // query returns copies: changing them leaves the table alone
    all.a!.outcomes = 0;
    expect(table.query('m').a!.outcomes).toBe(25);
  });

  it('drain hands over the deltas and empties the table; mergeIn rebuilds the same totals', () => {
    const table = new AggregateTable();
    for (const o of outcomes(5, 500)) table.addOutcome(o);
    const before = serializeAggregate(table.query('chat-model').control!);
    const deltas = table.drain();
    expect(table.size).toBe(0);
    expect(table.query('chat-model')).toEqual({});
    const total = new AggregateTable();
    for (const d of deltas) total.mergeIn({ ...d, aggregate: deserializeAggregate(JSON.parse(JSON.stringify(serializeAggregate(d.aggregate)))) });
    expect(serializeAggregate(total.query('chat-model').control!)).toEqual(before);
  });

  it('keeps memory flat: the cell count does not grow with the number of outcomes', () => {
    const table = new AggregateTable();
    const rnd = seededRandom(9);
    for (let i = 0; i < 200_000; i++) {
      table.addOutcome({ flagKey: 'f', variant: i % 3 === 0 ? 'a' : 'b', at: t0 + (i % 2) * HOUR_MS, latencyMs: rnd() * 1000, unitId: `u${i}` });
    }
    expect(table.size).toBe(4);
    expect(table.query('f').b!.outcomes).toBe(133_333);
  });

  it('dropBefore removes whole hours that ended', () => {
    const table = new AggregateTable();
    table.addOutcome({ flagKey: 'f', variant: 'a', at: t0 });
    table.addOutcome({ flagKey: 'f', variant: 'a', at: t0 + HOUR_MS });
    expect(table.dropBefore(t0 + HOUR_MS)).toBe(1);
    expect(table.size).toBe(1);
    expect(table.query('f').a!.outcomes).toBe(1);
  });
});
