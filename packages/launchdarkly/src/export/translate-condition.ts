import { findAmbiguousAlternation, parseVersion, type ConditionDefinition, type ExportProblem } from '@aiflags/core';
import type { LaunchDarklyClause, LaunchDarklyOp } from './launchdarkly-data.js';

type Operator = ConditionDefinition['op'];

/** How one of our operators is written in LaunchDarkly: one or more alternative (OR'ed) clause ops. */
interface OpMapping {
  ops: readonly LaunchDarklyOp[];
  negate: boolean;
}

/**
 * Our operators → LaunchDarkly clause operators. `semver_lte`/`semver_gte` have no single LaunchDarkly
 * operator and are written as two alternatives (less-than OR equal), which the exporter turns into rules.
 */
export const OPERATOR_MAP: Readonly<Record<Operator, OpMapping>> = {
  in: { ops: ['in'], negate: false },
  not_in: { ops: ['in'], negate: true },
  equals: { ops: ['in'], negate: false },
  not_equals: { ops: ['in'], negate: true },
  starts_with: { ops: ['startsWith'], negate: false },
  ends_with: { ops: ['endsWith'], negate: false },
  contains: { ops: ['contains'], negate: false },
  not_contains: { ops: ['contains'], negate: true },
  lt: { ops: ['lessThan'], negate: false },
  lte: { ops: ['lessThanOrEqual'], negate: false },
  gt: { ops: ['greaterThan'], negate: false },
  gte: { ops: ['greaterThanOrEqual'], negate: false },
  semver_eq: { ops: ['semVerEqual'], negate: false },
  semver_lt: { ops: ['semVerLessThan'], negate: false },
  semver_lte: { ops: ['semVerLessThan', 'semVerEqual'], negate: false },
  semver_gt: { ops: ['semVerGreaterThan'], negate: false },
  semver_gte: { ops: ['semVerGreaterThan', 'semVerEqual'], negate: false },
  before: { ops: ['before'], negate: false },
  after: { ops: ['after'], negate: false },
  matches: { ops: ['matches'], negate: false },
};

/**
 * Our attribute path → a LaunchDarkly attribute reference: `targetingKey` is LaunchDarkly's `key`, a dot
 * path `a.b` is the reference `/a/b` (with `~` and `/` escaped as LaunchDarkly's references require).
 */
export function attributeReference(path: string): string {
  if (path === 'targetingKey') return 'key';
  const segments = path.split('.');
  if (segments.length === 1 && !path.startsWith('/')) return path;
  return '/' + segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

/**
 * One condition → its alternatives (OR), each a list of LaunchDarkly clauses (AND); usually one clause.
 * `in`/`equals` values are widened so LaunchDarkly's strict equality matches what ours matches: we compare
 * as strings, so `5` also lists `"5"`, `"true"` also lists `true`. An inverted condition negates each
 * clause and ANDs them (not (a or b) is (not a) and (not b)).
 */
export function translateCondition(condition: ConditionDefinition, where: Omit<ExportProblem, 'message'>, problems: ExportProblem[]): LaunchDarklyClause[][] {
  const mapping = OPERATOR_MAP[condition.op];
  if (!mapping) {
    problems.push({ ...where, message: `operator '${String(condition.op)}' has no LaunchDarkly counterpart` });
    return [];
  }
  let values = mapping.ops[0] === 'in' ? widenForEquality(condition.values) : [...condition.values];
  if (condition.op === 'matches') values = refuseBacktracking(values, where, problems);
  // LaunchDarkly reads no `v` prefix and no number as a version: write the version each value parses to.
  if (condition.op.startsWith('semver_')) values = values.map((v) => parseVersion(v)?.version ?? v);
  if (condition.caseInsensitive === true) {
    problems.push({
      ...where,
      field: `${where.field}.caseInsensitive`,
      message: `LaunchDarkly's ${mapping.ops.join('/')} has no case-insensitive form; the clause is written case-sensitive, so letter case decides there`,
    });
  }
  const inverted = condition.inverted === true;
  const clauses = mapping.ops.map(
    (op): LaunchDarklyClause => ({
      contextKind: 'user',
      attribute: attributeReference(condition.attribute),
      op,
      values,
      negate: mapping.negate !== inverted,
    }),
  );
  return inverted ? [clauses] : clauses.map((clause) => [clause]);
}

/**
 * Local evaluation runs re2js in linear time, but LaunchDarkly's SDKs run JavaScript-style backtracking
 * engines: a pattern whose repeated alternatives can start alike (`^(a|aa)*b$`) takes exponential time
 * there. Such a pattern is reported and left out of the clause, which then matches less, never more.
 */
function refuseBacktracking(values: unknown[], where: Omit<ExportProblem, 'message'>, problems: ExportProblem[]): unknown[] {
  return values.filter((pattern, i) => {
    const ambiguous = typeof pattern === 'string' ? findAmbiguousAlternation(pattern) : undefined;
    if (ambiguous === undefined) return true;
    problems.push({
      ...where,
      field: `${where.field}.values.${i}`,
      message: `pattern ${JSON.stringify(pattern)} repeats alternatives that can start alike (${ambiguous}) and would backtrack catastrophically in LaunchDarkly's SDKs; it is left out (the clause matches less), make the alternatives start differently`,
    });
    return false;
  });
}

function widenForEquality(values: readonly (string | number | boolean)[]): unknown[] {
  const out: unknown[] = [];
  const add = (v: unknown) => {
    if (!out.includes(v)) out.push(v);
  };
  for (const v of values) {
    const text = String(v);
    add(v);
    add(text);
    if (text.trim() !== '' && String(Number(text)) === text) add(Number(text));
    if (text === 'true' || text === 'false') add(text === 'true');
  }
  return out;
}
