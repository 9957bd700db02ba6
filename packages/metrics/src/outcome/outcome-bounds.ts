import { MAX_METRIC_MAGNITUDE, NAMED_SCORE_LIMITS, OUTCOME_METRIC_LIST, OUTCOME_METRICS, type Outcome, type OutcomeNumericField } from './outcome.js';

/** Why an outcome cannot be counted: the field (`scores` for a named score), and a message naming flag, variant, field and value. */
export interface OutcomeProblem {
  field: OutcomeNumericField | 'scores';
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
  if (o.scores === undefined) return undefined;
  const problem = scoresProblem(o.scores);
  return problem === undefined ? undefined : { field: 'scores', message: `outcome for flag '${o.flagKey}' variant '${o.variant}': ${problem}` };
}

/** What is wrong with an outcome's named scores, or undefined: too many, a bad name, or a value beyond ±MAX_METRIC_MAGNITUDE. */
export function scoresProblem(scores: Record<string, number>): string | undefined {
  if (scores === null || typeof scores !== 'object') return `scores: expected an object of name -> number, got ${JSON.stringify(scores)}`;
  const names = Object.keys(scores);
  if (names.length > NAMED_SCORE_LIMITS.perOutcome) return `scores: ${names.length} names, at most ${NAMED_SCORE_LIMITS.perOutcome} per outcome`;
  for (const name of names) {
    if (name.length > NAMED_SCORE_LIMITS.nameLength)
      return `scores: name '${name.slice(0, 20)}…' is ${name.length} characters, at most ${NAMED_SCORE_LIMITS.nameLength}`;
    if (!NAMED_SCORE_LIMITS.pattern.test(name)) return `scores: name ${JSON.stringify(name)} is not letters, digits, '_', '.' or '-'`;
    const value = scores[name];
    if (typeof value !== 'number') return `scores.${name}: expected a number, got ${JSON.stringify(value)}`;
    if (Number.isFinite(value) && Math.abs(value) > MAX_METRIC_MAGNITUDE) return `scores.${name} ${value} is beyond ±${MAX_METRIC_MAGNITUDE}`;
  }
  return undefined;
}
