import { HyperLogLog } from './hyperloglog.js';
import { deserializeSketch, serializeSketch, type SerializedSketch } from './latency-sketch.js';
import type { Moments } from './moments.js';
import type { VariantAggregate } from './variant-aggregate.js';

/** Moments with min/max as null when empty, since JSON has no Infinity. */
export interface SerializedMoments {
  count: number;
  mean: number;
  m2: number;
  min: number | null;
  max: number | null;
  sum: number;
}

/** The JSON-safe form of a VariantAggregate (format version 1). */
export interface SerializedAggregate {
  v: 1;
  exposures: number;
  /** HyperLogLog.serialize() text. */
  units: string;
  unitsEstimate?: number;
  outcomes: number;
  quality: SerializedMoments;
  latency: SerializedMoments;
  latencySketch: SerializedSketch;
  cost: SerializedMoments;
  inputTokens: number;
  outputTokens: number;
  errors: number;
  feedbackPositive: number;
  feedbackNegative: number;
}

function serializeMoments(m: Moments): SerializedMoments {
  const empty = m.count === 0;
  return { count: m.count, mean: m.mean, m2: m.m2, min: empty ? null : m.min, max: empty ? null : m.max, sum: m.sum };
}

function deserializeMoments(s: SerializedMoments, field: string): Moments {
  if (s === null || typeof s !== 'object') throw new Error(`aggregate field "${field}": expected { count, mean, m2, min, max, sum }`);
  // Every number must be finite: a variance that overflowed was written as null (JSON has no Infinity), and
  // merging it would turn every later merge of the flag into NaN.
  return {
    count: num(s.count, `${field}.count`),
    mean: num(s.mean, `${field}.mean`),
    m2: num(s.m2, `${field}.m2`),
    min: s.min == null ? Infinity : num(s.min, `${field}.min`),
    max: s.max == null ? -Infinity : num(s.max, `${field}.max`),
    sum: num(s.sum, `${field}.sum`),
  };
}

/** The aggregate as a plain JSON-safe object; deserializeAggregate restores it exactly. */
export function serializeAggregate(a: VariantAggregate): SerializedAggregate {
  const out: SerializedAggregate = {
    v: 1,
    exposures: a.exposures,
    units: a.units.serialize(),
    outcomes: a.outcomes,
    quality: serializeMoments(a.quality),
    latency: serializeMoments(a.latency),
    latencySketch: serializeSketch(a.latencySketch),
    cost: serializeMoments(a.cost),
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    errors: a.errors,
    feedbackPositive: a.feedbackPositive,
    feedbackNegative: a.feedbackNegative,
  };
  if (a.unitsEstimate !== undefined) out.unitsEstimate = a.unitsEstimate;
  return out;
}

/** Restores serializeAggregate output (also after JSON.parse); throws naming the bad field. */
export function deserializeAggregate(s: SerializedAggregate): VariantAggregate {
  if (s === null || typeof s !== 'object' || s.v !== 1) {
    throw new Error('aggregate: expected an object with v: 1 (written by serializeAggregate)');
  }
  const out: VariantAggregate = {
    exposures: num(s.exposures, 'exposures'),
    units: HyperLogLog.deserialize(s.units ?? ''),
    outcomes: num(s.outcomes, 'outcomes'),
    quality: deserializeMoments(s.quality, 'quality'),
    latency: deserializeMoments(s.latency, 'latency'),
    latencySketch: deserializeSketch(s.latencySketch),
    cost: deserializeMoments(s.cost, 'cost'),
    inputTokens: num(s.inputTokens, 'inputTokens'),
    outputTokens: num(s.outputTokens, 'outputTokens'),
    errors: num(s.errors, 'errors'),
    feedbackPositive: num(s.feedbackPositive, 'feedbackPositive'),
    feedbackNegative: num(s.feedbackNegative, 'feedbackNegative'),
  };
  if (s.unitsEstimate !== undefined) out.unitsEstimate = num(s.unitsEstimate, 'unitsEstimate');
  return out;
}

function num(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`aggregate field "${field}": expected a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}
