import { MAX_METRIC_MAGNITUDE, OUTCOME_METRIC_LIST, OUTCOME_METRICS, type Outcome, type OutcomeNumericField } from './outcome.js';

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
  if (value < OUTCOME_METRICS[field].minimum) return `${field} ${value} is negative`;
  return undefined;
}

/**
 * The first numeric field of an outcome that cannot be aggregated, or undefined when all can. Stores reject
 * such an outcome whole and count it, since one impossible number says the rest of the record is suspect too.
 */
export function outcomeProblem(o: Outcome): OutcomeProblem | undefined {
  for (const { field } of OUTCOME_METRIC_LIST) {
    const value = o[field];
    if (typeof value !== 'number') continue;
    const problem = metricValueProblem(field, value);
    if (problem !== undefined) return { field, message: `outcome for flag '${o.flagKey}' variant '${o.variant}': ${problem}` };
  }
  return undefined;
}
