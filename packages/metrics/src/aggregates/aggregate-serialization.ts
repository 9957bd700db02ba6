import { type MomentsMetric, OUTCOME_METRIC_LIST, type SumMetric } from '../outcome/outcome.js';
import { HyperLogLog } from './hyperloglog.js';
import { createLatencySketch, deserializeSketch, type SerializedSketch, serializeSketch } from './latency-sketch.js';
import { createMoments, type Moments } from './moments.js';
import { createScores, mergeScoresInto, type NamedScores } from './named-scores.js';
import { AGGREGATE_FIELDS, type VariantAggregate } from './variant-aggregate.js';

/** Fields that may be absent (see OutcomeMetricSpec.added). */
const ADDED = new Set<string>(OUTCOME_METRIC_LIST.filter((m) => m.added).map((m) => m.aggregate));

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
export interface SerializedAggregate extends Record<MomentsMetric, SerializedMoments>, Record<SumMetric, number> {
  v: 1;
  exposures: number;
  /** HyperLogLog.serialize() text. */
  units: string;
  unitsEstimate?: number;
  outcomes: number;
  latencySketch: SerializedSketch;
  errors: number;
  feedbackPositive: number;
  feedbackNegative: number;
  /** Absent while empty, and in aggregates written before it existed (read as empty). */
  ttftSketch?: SerializedSketch;
  /** Named scores; absent in aggregates written before they existed (read as none). */
  scores?: Record<string, SerializedMoments>;
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
  const out = {
    v: 1,
    exposures: a.exposures,
    units: a.units.serialize(),
    outcomes: a.outcomes,
    latencySketch: serializeSketch(a.latencySketch),
    errors: a.errors,
    feedbackPositive: a.feedbackPositive,
    feedbackNegative: a.feedbackNegative,
  } as SerializedAggregate;
  for (const f of AGGREGATE_FIELDS.moments) if (a[f].count > 0 || !ADDED.has(f)) out[f] = serializeMoments(a[f]);
  for (const f of AGGREGATE_FIELDS.sums) if (a[f] !== 0 || !ADDED.has(f)) out[f] = a[f];
  if (a.unitsEstimate !== undefined) out.unitsEstimate = a.unitsEstimate;
  if (a.ttftSketch.count > 0) out.ttftSketch = serializeSketch(a.ttftSketch);
  const names = Object.keys(a.scores);
  if (names.length > 0) {
    const scores: Record<string, SerializedMoments> = {};
    for (const name of names) scores[name] = serializeMoments(a.scores[name]!);
    out.scores = scores;
  }
  return out;
}

/** Restores serializeAggregate output (also after JSON.parse); throws naming the bad field. */
export function deserializeAggregate(s: SerializedAggregate): VariantAggregate {
  if (s === null || typeof s !== 'object' || s.v !== 1) {
    throw new Error('aggregate: expected an object with v: 1 (written by serializeAggregate)');
  }
  const out = {
    exposures: num(s.exposures, 'exposures'),
    units: HyperLogLog.deserialize(s.units ?? ''),
    outcomes: num(s.outcomes, 'outcomes'),
    latencySketch: deserializeSketch(s.latencySketch),
    ttftSketch: s.ttftSketch === undefined ? createLatencySketch() : deserializeSketch(s.ttftSketch),
    errors: num(s.errors, 'errors'),
    feedbackPositive: num(s.feedbackPositive, 'feedbackPositive'),
    feedbackNegative: num(s.feedbackNegative, 'feedbackNegative'),
  } as VariantAggregate;
  for (const f of AGGREGATE_FIELDS.moments) out[f] = s[f] === undefined && ADDED.has(f) ? createMoments() : deserializeMoments(s[f], f);
  for (const f of AGGREGATE_FIELDS.sums) out[f] = s[f] === undefined && ADDED.has(f) ? 0 : num(s[f], f);
  if (s.unitsEstimate !== undefined) out.unitsEstimate = num(s.unitsEstimate, 'unitsEstimate');
  out.scores = deserializeScores(s.scores);
  return out;
}

function deserializeScores(s: Record<string, SerializedMoments> | undefined): NamedScores {
  const out = createScores();
  if (s === undefined) return out;
  if (s === null || typeof s !== 'object') throw new Error('aggregate field "scores": expected an object of name -> moments');
  const read = createScores();
  for (const name of Object.keys(s)) read[name] = deserializeMoments(s[name]!, `scores.${name}`);
  // Merged in, not assigned, so a file with too many names is held to the same limit as a live aggregate.
  mergeScoresInto(out, read);
  return out;
}

function num(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`aggregate field "${field}": expected a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}
