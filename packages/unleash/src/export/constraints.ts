import { parseVersion, toEpochMs } from '@aiflags/core';
import type { ConditionDefinition } from '@aiflags/core';
import type { UnleashConstraint, UnleashOperator } from './unleash-import-format.js';

/** One aiflags condition written as Unleash constraints (ANDed, like aiflags conditions). */
export interface ConstraintTranslation {
  constraints: UnleashConstraint[];
  /** Behaviour that differs in Unleash though the condition was written (reported as export problems). */
  caveats: string[];
  /** Set when the condition cannot be written at all. */
  unsupported?: string;
}

/** Context attribute → Unleash context field: targetingKey is Unleash's userId; dot paths stay dotted. */
export function contextNameOf(attribute: string): string {
  return attribute === 'targetingKey' ? 'userId' : attribute;
}

/** How aiflags reads the condition's context (its flag's bucketing mode decides). */
export interface ConstraintOptions {
  /** The flag is in unleash mode, where a negated condition holds for a missing attribute, as in Unleash. */
  missingMatchesNegated?: boolean;
}

/** aiflags operators whose condition holds when no value matches. */
const NEGATED_OPS: ReadonlySet<ConditionDefinition['op']> = new Set(['not_in', 'not_equals', 'not_contains']);

/** Operators that accept caseInsensitive, as Unleash's string operators do. */
const CASE_FOLDING: ReadonlySet<UnleashOperator> = new Set(['STR_STARTS_WITH', 'STR_ENDS_WITH', 'STR_CONTAINS']);

/**
 * Translates one condition; numeric, version and date operators over several values keep the any-match
 * meaning. `inverted` and `caseInsensitive` are written as Unleash's own constraint fields.
 */
export function conditionToConstraints(condition: ConditionDefinition, options: ConstraintOptions = {}): ConstraintTranslation {
  const { attribute, op, values } = condition;
  const contextName = contextNameOf(attribute);
  const flip = condition.inverted === true;
  const fold = condition.caseInsensitive === true;
  const multi = (operator: UnleashOperator, inverted = false): UnleashConstraint => ({
    contextName,
    operator,
    values: values.map(String),
    inverted: inverted !== flip,
    caseInsensitive: fold && CASE_FOLDING.has(operator),
  });
  const single = (operator: UnleashOperator, value: string, inverted = false): UnleashConstraint => ({
    contextName,
    operator,
    value,
    inverted: inverted !== flip,
    caseInsensitive: false,
  });
  // Unleash's constraint holds for a missing field exactly when it is negated (NOT_IN, or inverted);
  // aiflags' condition does only in unleash mode, and only when negated (a not_* operator, or inverted).
  const aiflagsMatchesMissing = options.missingMatchesNegated === true && NEGATED_OPS.has(op) !== flip;
  const missingCaveats = (c: UnleashConstraint): string[] => {
    if (c.operator === 'DATE_AFTER' || c.operator === 'DATE_BEFORE') return [];
    const unleashMatchesMissing = (c.operator === 'NOT_IN') !== c.inverted;
    if (unleashMatchesMissing === aiflagsMatchesMissing) return [];
    const written = `${c.inverted ? 'inverted ' : ''}${c.operator}${op.startsWith('semver_') ? ` (for ${op})` : ''}`;
    return unleashMatchesMissing
      ? [
          `Unleash's ${written} matches a context without '${attribute}'${c.operator.startsWith('SEMVER_') ? ', and one that is not a version' : ''}; aiflags does not (set bucketing: { hash: unleash } to match Unleash)`,
        ]
      : [`aiflags (unleash mode) matches a context without '${attribute}'; Unleash's ${written} does not`];
  };
  const ok = (constraint: UnleashConstraint, caveats: string[] = []): ConstraintTranslation => ({
    constraints: [constraint],
    caveats: [...missingCaveats(constraint), ...caveats, ...trimCaveats(values)],
  });
  const no = (why: string): ConstraintTranslation => ({ constraints: [], caveats: [], unsupported: why });
  const numbers = () => values.map(Number);
  const versions = () => values.map((v) => parseVersion(v)).filter((v) => v !== null);

  switch (op) {
    case 'in':
    case 'equals':
      return ok(multi('IN'));
    case 'not_in':
    case 'not_equals':
      return ok(multi('NOT_IN'));
    case 'starts_with':
      return ok(multi('STR_STARTS_WITH'));
    case 'ends_with':
      return ok(multi('STR_ENDS_WITH'));
    case 'contains':
      return ok(multi('STR_CONTAINS'));
    case 'not_contains':
      return ok(multi('STR_CONTAINS', true));
    // "below any of the values" is "below the largest"; "above any" is "above the smallest".
    case 'lt':
      return ok(single('NUM_LT', String(Math.max(...numbers()))));
    case 'lte':
      return ok(single('NUM_LTE', String(Math.max(...numbers()))));
    case 'gt':
      return ok(single('NUM_GT', String(Math.min(...numbers()))));
    case 'gte':
      return ok(single('NUM_GTE', String(Math.min(...numbers()))));
    case 'semver_eq': {
      if (values.length > 1) return no(`semver_eq with several values has no Unleash form (SEMVER_EQ takes one version)`);
      return ok(single('SEMVER_EQ', versionString(versions()[0])));
    }
    case 'semver_lt':
      return ok(single('SEMVER_LT', versionString(maxVersion(versions()))));
    case 'semver_gt':
      return ok(single('SEMVER_GT', versionString(minVersion(versions()))));
    // unleash-server 7.5 has no SEMVER_LTE / SEMVER_GTE: "<= v" is written as "not > v".
    case 'semver_lte':
      return ok(single('SEMVER_GT', versionString(maxVersion(versions())), true));
    case 'semver_gte':
      return ok(single('SEMVER_LT', versionString(minVersion(versions())), true));
    case 'before':
    case 'after': {
      if (attribute !== 'currentTime') {
        return no(`Unleash date operators compare only the context's currentTime, not '${attribute}'`);
      }
      const times = values.map((v) => toEpochMs(v));
      const edge = op === 'before' ? Math.max(...times) : Math.min(...times);
      return ok(single(op === 'before' ? 'DATE_BEFORE' : 'DATE_AFTER', new Date(edge).toISOString()), [
        `Unleash uses the current time when the context has no currentTime; aiflags does not match`,
      ]);
    }
    case 'matches':
      return no('regular-expression conditions (matches) have no Unleash constraint operator in unleash-server 7.5');
  }
}

/** unleash-client trims constraint values and drops empty ones. */
function trimCaveats(values: readonly (string | number | boolean)[]): string[] {
  const changed = values.filter((v) => typeof v === 'string' && (v.trim() !== v || v === ''));
  return changed.length ? [`Unleash trims constraint values and ignores empty ones: ${JSON.stringify(changed)}`] : [];
}

type Version = NonNullable<ReturnType<typeof parseVersion>>;

function versionString(version: Version | undefined): string {
  return version ? version.version : '';
}

function maxVersion(list: Version[]): Version | undefined {
  return list.reduce<Version | undefined>((a, b) => (a === undefined || b.compare(a) > 0 ? b : a), undefined);
}

function minVersion(list: Version[]): Version | undefined {
  return list.reduce<Version | undefined>((a, b) => (a === undefined || b.compare(a) < 0 ? b : a), undefined);
}
