import type { Outcome } from './types.js';

/**
 * The largest magnitude a metric value may have. Its square (1e200) times any count a process could reach
 * stays far below Number.MAX_VALUE (≈1.8e308), so Welford's M2 and Chan's merge term stay finite; a value
 * beyond it is a unit mix-up or a corrupt number, never a measurement (1e100 ms, USD or tokens).
 */
export const MAX_METRIC_MAGNITUDE = 1e100;

/** The numeric outcome fields, each with the smallest value that can be a measurement of it. */
const FIELD_MINIMUM = {
  quality: -MAX_METRIC_MAGNITUDE,
  // A negative latency is a clock step and counts as 0 ms (see addOutcome), so only the magnitude is bounded.
  latencyMs: -MAX_METRIC_MAGNITUDE,
  costUsd: 0,
  inputTokens: 0,
  outputTokens: 0,
} as const;

export type OutcomeNumericField = keyof typeof FIELD_MINIMUM;

/** Why an outcome cannot be counted: the field, and a message naming flag, variant, field and value. */
export interface OutcomeProblem {
  field: OutcomeNumericField;
  message: string;
}

/**
 * Whether a finite metric value can be aggregated: within ±MAX_METRIC_MAGNITUDE and not below the field's
 * minimum (cost in USD and token counts are non-negative). Non-finite values mean "not measured" and are
 * skipped by addOutcome, so they are not checked here.
 */
export function metricValueProblem(field: OutcomeNumericField, value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (Math.abs(value) > MAX_METRIC_MAGNITUDE) return `${field} ${value} is beyond ±${MAX_METRIC_MAGNITUDE}`;
  if (value < FIELD_MINIMUM[field]) return `${field} ${value} is negative`;
  return undefined;
}

/**
 * The first numeric field of an outcome that cannot be aggregated, or undefined when all can. Stores reject
 * such an outcome whole and count it, since one impossible number says the rest of the record is suspect too.
 */
export function outcomeProblem(o: Outcome): OutcomeProblem | undefined {
  for (const field of Object.keys(FIELD_MINIMUM) as OutcomeNumericField[]) {
    const value = o[field];
    if (typeof value !== 'number') continue;
    const problem = metricValueProblem(field, value);
    if (problem !== undefined) return { field, message: `outcome for flag '${o.flagKey}' variant '${o.variant}': ${problem}` };
  }
  return undefined;
}
