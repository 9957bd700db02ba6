import type { FlagSet } from '@aiflags/core';
import { type Exposure, metricValueProblem, OUTCOME_METRIC_LIST, type Outcome } from '@aiflags/metrics';

/** The longest unit id accepted, in characters; an id is a key, never a document. */
export const MAX_UNIT_LENGTH = 256;
/** How far ahead of the server's clock an `at` may be, in ms (clock skew, not the future). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const EXPOSURE_FIELDS = ['flag', 'variant', 'unit', 'at'];
const OUTCOME_FIELDS = [...EXPOSURE_FIELDS, 'error', 'feedback', ...OUTCOME_METRIC_LIST.map((m) => m.field)];

/**
 * One posted exposure `{ flag, variant, unit?, at? }` as the metric store takes it, or why it cannot be
 * counted: the flag must be in the flag file and define the variant, so a typo never becomes an arm.
 */
export function exposureFromJson(item: unknown, set: FlagSet, now: number): Exposure | string {
  return commonFields(item, EXPOSURE_FIELDS, set, now);
}

/**
 * One posted outcome: the exposure's fields, `error` (boolean), `feedback` ('positive' | 'negative') and
 * every numeric field of OUTCOME_METRICS (latencyMs in ms, quality, costUsd in USD, inputTokens,
 * outputTokens), each checked as the metric store checks it. Or why it cannot be counted.
 */
export function outcomeFromJson(item: unknown, set: FlagSet, now: number): Outcome | string {
  const common = commonFields(item, OUTCOME_FIELDS, set, now);
  if (typeof common === 'string') return common;
  const o = item as Record<string, unknown>;
  const outcome: Outcome = { ...common };
  for (const { field } of OUTCOME_METRIC_LIST) {
    const value = o[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') return `${field}: expected a number, got ${kindOf(value)}`;
    const problem = metricValueProblem(field, value);
    if (problem !== undefined) return problem;
    outcome[field] = value;
  }
  if (o.error !== undefined && typeof o.error !== 'boolean') return `error: expected true or false, got ${kindOf(o.error)}`;
  if (o.error !== undefined) outcome.error = o.error;
  if (o.feedback !== undefined && o.feedback !== 'positive' && o.feedback !== 'negative') {
    return `feedback: expected 'positive' or 'negative', got ${describe(o.feedback)}`;
  }
  if (o.feedback !== undefined) outcome.feedback = o.feedback;
  return outcome;
}

function commonFields(item: unknown, allowed: readonly string[], set: FlagSet, now: number): Exposure | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return `expected an object, got ${kindOf(item)}`;
  const o = item as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !allowed.includes(k));
  if (unknown !== undefined) return `unknown field ${describe(unknown)} (expected ${allowed.join(', ')})`;
  if (typeof o.flag !== 'string') return `flag: expected a flag key, got ${kindOf(o.flag)}`;
  const flag = set.flags.get(o.flag);
  if (flag === undefined) return `flag: no flag ${describe(o.flag)} in ${set.source}`;
  if (typeof o.variant !== 'string') return `variant: expected a variant of '${flag.key}', got ${kindOf(o.variant)}`;
  const variants = Object.keys(flag.definition.variants);
  if (!variants.includes(o.variant)) return `variant: flag '${flag.key}' has no variant ${describe(o.variant)} (variants: ${variants.join(', ')})`;
  const record: Exposure = { flagKey: flag.key, variant: o.variant };
  if (o.unit !== undefined) {
    if (typeof o.unit !== 'string' || o.unit === '' || o.unit.length > MAX_UNIT_LENGTH) {
      return `unit: expected a non-empty string of at most ${MAX_UNIT_LENGTH} characters`;
    }
    record.unitId = o.unit;
  }
  if (o.at !== undefined) {
    if (typeof o.at !== 'number' || !Number.isFinite(o.at) || o.at < 0 || o.at > now + MAX_CLOCK_SKEW_MS) {
      return 'at: expected epoch ms, not in the future';
    }
    record.at = o.at;
  }
  return record;
}

/** A user-sent string in a message: quoted, cut to 100 characters. */
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 100)) : kindOf(value);
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
